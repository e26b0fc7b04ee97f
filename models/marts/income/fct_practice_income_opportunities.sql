-- One row per practice and indicator: income still on the table. For threshold indicators,
-- the patients still needed to reach the next whole point and the upper threshold (exact
-- integer arithmetic, macros/income/patients_needed.sql) and the pounds each would bring at
-- the practice's own CPI and APDF; for quality improvement indicators not yet declared, the
-- value of their points. Ranked by the pounds at the upper threshold within the practice and
-- within its PCN.

with

achievement as (

    select * from {{ ref('fct_practice_indicator_achievement') }}

),

registry as (

    select * from {{ ref('qof_indicators') }}
    where qof_year = '{{ var("qof_year") }}'

),

income as (

    select * from {{ ref('fct_practice_income') }}

),

joined as (

    select
        achievement.practice_code,
        coalesce(achievement.pcn_code, 'UNALIGNED') as pcn_code,
        achievement.icb_code,
        achievement.indicator_code,
        achievement.achievement_date,
        achievement.group_code,
        registry.is_register_indicator,
        registry.is_automatic,
        registry.is_income_protected,
        registry.lower_threshold,
        registry.upper_threshold,
        registry.points as max_points,
        achievement.denominator,
        achievement.numerator,
        achievement.achievement,
        achievement.points,
        income.pounds_per_point_adjusted
    from achievement
    inner join registry
        on achievement.indicator_code = registry.indicator_code
    inner join income
        on
            achievement.practice_code = income.practice_code
            and achievement.indicator_code = income.indicator_code

),

classified as (

    select
        *,
        case
            when is_register_indicator then 'register_indicator'
            when not is_automatic then 'manual_declaration'
            when lower_threshold is null or upper_threshold is null then 'no_thresholds'
            when denominator = 0 then 'no_denominator'
            when 100 * numerator >= upper_threshold * denominator then 'at_maximum'
            when is_income_protected then 'income_protected'
            else 'reachable'
        end as opportunity_status
    from joined

),

whole_points as (

    select
        *,
        case
            when opportunity_status in ('reachable', 'income_protected', 'at_maximum')
                then {{ whole_points_achieved(
                    'numerator', 'denominator', 'lower_threshold', 'upper_threshold', 'max_points'
                ) }}
        end as whole_points_achieved
    from classified

),

numerators_needed as (

    select
        *,
        case
            when opportunity_status in ('reachable', 'income_protected')
                then {{ numerator_for_points(
                    'denominator', 'lower_threshold', 'upper_threshold', 'max_points', '(whole_points_achieved + 1)'
                ) }}
        end as numerator_for_next_point,
        case
            when opportunity_status in ('reachable', 'income_protected', 'at_maximum')
                then {{ numerator_for_points(
                    'denominator', 'lower_threshold', 'upper_threshold', 'max_points', 'max_points'
                ) }}
        end as numerator_for_upper_threshold
    from whole_points

),

patients_needed as (

    select
        *,
        case
            when numerator_for_next_point <= denominator then numerator_for_next_point - numerator
        end as patients_to_next_point,
        case
            when numerator_for_upper_threshold is not null
                then greatest(numerator_for_upper_threshold - numerator, 0)
        end as patients_to_upper_threshold
    from numerators_needed

),

points_gained as (

    select
        *,
        case
            when patients_to_next_point is not null
                then {{ threshold_points(
                    '(numerator + patients_to_next_point)', 'denominator', 'lower_threshold', 'upper_threshold',
                    'max_points'
                ) }} - points
        end as points_gained_at_next_point,
        case
            when opportunity_status in ('reachable', 'income_protected', 'at_maximum', 'manual_declaration')
                then max_points - points
        end as points_gained_at_upper_threshold
    from patients_needed

),

valued as (

    select
        *,
        case
            when is_income_protected then 0.0
            else points_gained_at_next_point * pounds_per_point_adjusted
        end as gbp_at_next_point,
        case
            when is_income_protected and points_gained_at_upper_threshold is not null then 0.0
            else points_gained_at_upper_threshold * pounds_per_point_adjusted
        end as gbp_at_upper_threshold
    from points_gained

),

final as (

    select
        practice_code,
        pcn_code,
        icb_code,
        indicator_code,
        achievement_date,
        group_code,
        opportunity_status,
        is_income_protected,
        denominator,
        numerator,
        cast(achievement as double) as achievement,
        cast(lower_threshold as double) as lower_threshold,
        cast(upper_threshold as double) as upper_threshold,
        cast(max_points as double) as max_points,
        cast(points as double) as points,
        cast(whole_points_achieved as bigint) as whole_points_achieved,
        cast(pounds_per_point_adjusted as double) as pounds_per_point_adjusted,
        cast(patients_to_next_point as bigint) as patients_to_next_point,
        cast(points_gained_at_next_point as double) as points_gained_at_next_point,
        cast(gbp_at_next_point as double) as gbp_at_next_point,
        cast(patients_to_upper_threshold as bigint) as patients_to_upper_threshold,
        cast(points_gained_at_upper_threshold as double) as points_gained_at_upper_threshold,
        cast(gbp_at_upper_threshold as double) as gbp_at_upper_threshold,
        cast(gbp_at_upper_threshold / nullif(patients_to_upper_threshold, 0) as double)
            as gbp_per_patient_to_upper_threshold,
        cast(row_number() over (
            partition by practice_code
            order by gbp_at_upper_threshold desc nulls last, indicator_code asc
        ) as bigint) as opportunity_rank_in_practice,
        cast(row_number() over (
            partition by pcn_code
            order by gbp_at_upper_threshold desc nulls last, practice_code asc, indicator_code asc
        ) as bigint) as opportunity_rank_in_pcn
    from valued

)

select * from final
