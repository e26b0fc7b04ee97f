-- One row per practice, threshold indicator and month-end of the QOF year before the latest
-- one in the trajectory: the year-end projection the method would have made at that month,
-- beside what the practice actually reached at the year end. Each practice is projected
-- with the uplifts of the OTHER practices of the same year, indicator and month
-- (leave-one-practice-out), so its own year end never feeds its projection
-- (docs/projection.md).

with

trajectory as (

    select * from {{ ref('fct_practice_indicator_trajectory') }}

),

registry as (

    select * from {{ ref('qof_indicators') }}

),

trajectory_months as (

    select
        practice_code,
        indicator_code,
        group_code,
        achievement_date,
        qof_year,
        denominator,
        numerator,
        achievement,
        points,
        {{ qof_year_start_year('achievement_date') }} as qof_year_start_year,
        {{ month_of_qof_year('achievement_date') }} as month_of_qof_year,
        {{ qof_year_end_date('achievement_date') }} as payment_period_end_date
    from trajectory

),

latest_year as (

    select max(qof_year_start_year) as qof_year_start_year
    from trajectory_months

),

tested_year as (

    select trajectory_months.*
    from trajectory_months
    inner join latest_year
        on trajectory_months.qof_year_start_year = latest_year.qof_year_start_year - 1

),

tested_year_end as (

    select * from tested_year
    where month_of_qof_year = 12

),

threshold_indicators as (

    select
        qof_year,
        indicator_code,
        cast(lower_threshold as double) as lower_threshold,
        cast(upper_threshold as double) as upper_threshold,
        cast(points as double) as max_points
    from registry
    where
        not is_register_indicator
        and is_automatic

),

practice_paths as (

    select
        tested_year.practice_code,
        tested_year.indicator_code,
        tested_year.group_code,
        tested_year.achievement_date,
        tested_year.payment_period_end_date,
        tested_year.month_of_qof_year,
        tested_year.qof_year,
        tested_year.denominator,
        tested_year.achievement,
        tested_year_end.achievement as actual_achievement,
        tested_year_end.points as actual_points,
        tested_year_end.achievement - tested_year.achievement as uplift,
        threshold_indicators.lower_threshold,
        threshold_indicators.upper_threshold,
        threshold_indicators.max_points
    from tested_year
    inner join tested_year_end
        on
            tested_year.practice_code = tested_year_end.practice_code
            and tested_year.indicator_code = tested_year_end.indicator_code
    inner join threshold_indicators
        on
            tested_year.qof_year = threshold_indicators.qof_year
            and tested_year.indicator_code = threshold_indicators.indicator_code
    where
        tested_year.achievement is not null
        and tested_year_end.achievement is not null

),

ranked_paths as (

    select
        *,
        row_number() over (
            partition by indicator_code, month_of_qof_year
            order by uplift, practice_code
        ) - 1 as uplift_rank
    from practice_paths

),

uplift_lists as (

    select
        indicator_code,
        month_of_qof_year,
        count(*) as uplift_count,
        list(uplift order by uplift) as sorted_uplifts
    from practice_paths
    group by indicator_code, month_of_qof_year

),

{%- set quantiles = projection_quantiles() %}

leave_one_out_parts as (

    select
        indicator_code,
        month_of_qof_year,
        uplift_count,
        {{ leave_one_out_quantile_parts('sorted_uplifts', 'uplift_count', quantiles.low, 'low') }},
        {{ leave_one_out_quantile_parts('sorted_uplifts', 'uplift_count', quantiles.central, 'central') }},
        {{ leave_one_out_quantile_parts('sorted_uplifts', 'uplift_count', quantiles.high, 'high') }}
    from uplift_lists
    where uplift_count >= 2

),

leave_one_out_uplifts as (

    select
        ranked_paths.*,
        leave_one_out_parts.uplift_count - 1 as uplift_practice_count,
        {{ leave_one_out_quantile('leave_one_out_parts.low', 'ranked_paths.uplift_rank') }} as uplift_low,
        {{ leave_one_out_quantile('leave_one_out_parts.central', 'ranked_paths.uplift_rank') }} as uplift_central,
        {{ leave_one_out_quantile('leave_one_out_parts.high', 'ranked_paths.uplift_rank') }} as uplift_high
    from ranked_paths
    inner join leave_one_out_parts
        on
            ranked_paths.indicator_code = leave_one_out_parts.indicator_code
            and ranked_paths.month_of_qof_year = leave_one_out_parts.month_of_qof_year

),

projected as (

    select
        *,
        {{ clamp_rate('achievement + uplift_central') }} as projected_achievement,
        {{ clamp_rate('achievement + uplift_low') }} as projected_achievement_low,
        {{ clamp_rate('achievement + uplift_high') }} as projected_achievement_high
    from leave_one_out_uplifts

),

-- Points depend on the rate alone once the denominator is positive, so the projected rate is
-- scored on the practice's denominator at the month.
scored as (

    select
        *,
        {{ threshold_points(
            'projected_achievement * denominator', 'denominator',
            'lower_threshold', 'upper_threshold', 'max_points'
        ) }} as projected_points,
        {{ threshold_points(
            'projected_achievement_low * denominator', 'denominator',
            'lower_threshold', 'upper_threshold', 'max_points'
        ) }} as projected_points_low,
        {{ threshold_points(
            'projected_achievement_high * denominator', 'denominator',
            'lower_threshold', 'upper_threshold', 'max_points'
        ) }} as projected_points_high
    from projected

),

final as (

    select
        practice_code,
        indicator_code,
        group_code,
        achievement_date,
        payment_period_end_date,
        cast(month_of_qof_year as integer) as month_of_qof_year,
        qof_year,
        cast(denominator as bigint) as denominator,
        cast(achievement as double) as achievement,
        cast(uplift_practice_count as bigint) as uplift_practice_count,
        cast(uplift_low as double) as achievement_uplift_low,
        cast(uplift_central as double) as achievement_uplift,
        cast(uplift_high as double) as achievement_uplift_high,
        cast(projected_achievement as double) as projected_achievement,
        cast(projected_achievement_low as double) as projected_achievement_low,
        cast(projected_achievement_high as double) as projected_achievement_high,
        cast(actual_achievement as double) as actual_achievement,
        cast(projected_points as double) as projected_points,
        cast(projected_points_low as double) as projected_points_low,
        cast(projected_points_high as double) as projected_points_high,
        cast(actual_points as double) as actual_points,
        cast(projected_achievement - actual_achievement as double) as achievement_error,
        cast(projected_points - actual_points as double) as points_error,
        actual_achievement between projected_achievement_low and projected_achievement_high as is_within_interval
    from scored

)

select * from final
