-- One row per practice and indicator of the `qof_year` registry: register, denominator,
-- numerator, PCAs, achievement and points. Register indicators earn their points when the
-- register is not empty; Quality Improvement indicators from the attested manual_achievement
-- file; every other indicator by its thresholds.

with

practices as (

    select * from {{ ref('stg_gp_extract__practices') }}

),

registry as (

    select * from {{ ref('qof_indicators') }}
    where qof_year = '{{ var("qof_year") }}'

),

patient_indicator as (

    select * from {{ ref('fct_patient_indicator') }}

),

manual_achievement as (

    select * from {{ ref('stg_gp_extract__manual_achievement') }}
    where achievement_date = {{ achievement_date() }}

),

counts as (

    select
        practice_code,
        indicator_code,
        count(*) filter (where on_register) as register,
        count(*) filter (where in_denominator) as denominator,
        count(*) filter (where in_numerator) as numerator,
        count(*) filter (where pca_reason is not null) as pca_count,
        count(*) filter (where exclusion_reason is not null) as exclusion_count
    from patient_indicator
    group by practice_code, indicator_code

),

grid as (

    select
        practices.practice_code,
        practices.pcn_code,
        practices.icb_code,
        registry.indicator_code,
        registry.group_code,
        registry.register_code,
        registry.is_register_indicator,
        registry.is_automatic,
        registry.lower_threshold,
        registry.upper_threshold,
        registry.points as max_points
    from practices
    cross join registry

),

joined as (

    select
        grid.*,
        coalesce(counts.register, 0) as register,
        coalesce(counts.denominator, 0) as denominator,
        coalesce(counts.numerator, 0) as numerator,
        coalesce(counts.pca_count, 0) as pca_count,
        coalesce(counts.exclusion_count, 0) as exclusion_count,
        coalesce(bool_or(manual_achievement.achieved), false) as is_manually_achieved
    from grid
    left join counts
        on
            grid.practice_code = counts.practice_code
            and grid.indicator_code = counts.indicator_code
    left join manual_achievement
        on
            grid.practice_code = manual_achievement.practice_code
            and grid.indicator_code = manual_achievement.indicator_code
    group by all

),

scored as (

    select
        *,
        case
            when is_register_indicator or not is_automatic or denominator = 0 then null
            else numerator / denominator
        end as achievement,
        case
            when is_register_indicator then case when register > 0 then cast(max_points as double) else 0.0 end
            when not is_automatic then case when is_manually_achieved then cast(max_points as double) else 0.0 end
            else {{ threshold_points('numerator', 'denominator', 'lower_threshold', 'upper_threshold', 'max_points') }}
        end as points
    from joined

),

final as (

    select
        practice_code,
        pcn_code,
        icb_code,
        indicator_code,
        {{ achievement_date() }} as achievement_date,
        group_code,
        register_code,
        register,
        denominator,
        numerator,
        pca_count,
        exclusion_count,
        cast(achievement as double) as achievement,
        case
            when denominator + pca_count = 0 then null
            else cast(pca_count / (denominator + pca_count) as double)
        end as pca_rate,
        cast(lower_threshold as double) as lower_threshold,
        cast(upper_threshold as double) as upper_threshold,
        cast(max_points as double) as max_points,
        cast(points as double) as points
    from scored

)

select * from final
