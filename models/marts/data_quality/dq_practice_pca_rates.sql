-- One row per practice and indicator with PCAs: the practice's PCA rate against its PCN's
-- (summed counts), and whether it is far above it (qof_dq_thresholds). A high rate can mean
-- PCAs recorded that do not meet the QOF criteria.

with

practice_achievement as (

    select * from {{ ref('fct_practice_indicator_achievement') }}

),

pcn_achievement as (

    select * from {{ ref('fct_pcn_indicator_achievement') }}

),

compared as (

    select
        practice_achievement.practice_code,
        coalesce(practice_achievement.pcn_code, 'UNALIGNED') as pcn_code,
        practice_achievement.indicator_code,
        practice_achievement.pca_count,
        practice_achievement.denominator,
        practice_achievement.pca_rate,
        pcn_achievement.pca_rate as pcn_pca_rate
    from practice_achievement
    left join pcn_achievement
        on
            coalesce(practice_achievement.pcn_code, 'UNALIGNED') = pcn_achievement.pcn_code
            and practice_achievement.indicator_code = pcn_achievement.indicator_code
    where practice_achievement.pca_count > 0

),

final as (

    select
        practice_code,
        pcn_code,
        indicator_code,
        pca_count,
        denominator,
        pca_rate,
        pcn_pca_rate,
        cast(case when pcn_pca_rate > 0 then round(pca_rate / pcn_pca_rate, 6) end as double)
            as rate_to_pcn_rate,
        coalesce(
            pca_count >= {{ dq_threshold('pca_rate_above_network', 'min_pca_count') }}
            and pca_rate >= {{ dq_threshold('pca_rate_above_network', 'min_ratio') }} * pcn_pca_rate,
            false
        ) as is_far_above_pcn
    from compared

)

select * from final
