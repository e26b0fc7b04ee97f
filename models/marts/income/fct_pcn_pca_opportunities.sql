-- One row per PCN and threshold indicator: member practices' PCAs, the patients that would
-- return to the denominator if every practice above the PCN median PCA rate fell to it, and
-- the change in income that would follow, summed over practices. Ranked by the income change
-- when every returned patient achieves the indicator.

with

practice_pca_opportunities as (

    select * from {{ ref('fct_practice_pca_opportunities') }}

),

summed as (

    select
        pcn_code,
        indicator_code,
        any_value(icb_code) as icb_code,
        any_value(achievement_date) as achievement_date,
        any_value(group_code) as group_code,
        any_value(pcn_median_pca_rate) as pcn_median_pca_rate,
        count(*) as practice_count,
        count(*) filter (where patients_returned > 0) as practices_above_median,
        sum(denominator) as denominator,
        sum(pca_count) as pca_count,
        sum(eligible) as eligible,
        sum(patients_returned) as patients_returned,
        {{ exact_sum('gbp_change_if_returned_achieved') }} as gbp_change_if_returned_achieved,
        {{ exact_sum('gbp_change_if_returned_not_achieved') }} as gbp_change_if_returned_not_achieved
    from practice_pca_opportunities
    group by pcn_code, indicator_code

),

final as (

    select
        pcn_code,
        icb_code,
        indicator_code,
        achievement_date,
        group_code,
        cast(practice_count as bigint) as practice_count,
        cast(practices_above_median as bigint) as practices_above_median,
        cast(denominator as bigint) as denominator,
        cast(pca_count as bigint) as pca_count,
        cast(eligible as bigint) as eligible,
        cast(pca_count / eligible as double) as pca_rate,
        cast(pcn_median_pca_rate as double) as pcn_median_pca_rate,
        cast(patients_returned as bigint) as patients_returned,
        cast(gbp_change_if_returned_achieved as double) as gbp_change_if_returned_achieved,
        cast(gbp_change_if_returned_not_achieved as double) as gbp_change_if_returned_not_achieved,
        cast(row_number() over (
            partition by pcn_code
            order by gbp_change_if_returned_achieved desc, patients_returned desc, indicator_code asc
        ) as bigint) as opportunity_rank_in_pcn
    from summed

)

select * from final
