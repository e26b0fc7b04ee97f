-- One row per threshold indicator and month-end of the QOF year before the latest one: how
-- well the year-end projection made at that month did across practices (leave-one-practice-
-- out, fct_practice_indicator_projection_backtest). Errors in achievement are in percentage
-- points; coverage is the share of practices whose actual year end fell inside the 80 %
-- interval (docs/projection.md).

with

backtest as (

    select * from {{ ref('fct_practice_indicator_projection_backtest') }}

),

summarised as (

    select
        indicator_code,
        any_value(group_code) as group_code,
        achievement_date,
        any_value(payment_period_end_date) as payment_period_end_date,
        any_value(month_of_qof_year) as month_of_qof_year,
        any_value(qof_year) as qof_year,
        count(*) as practice_count,
        avg(100.0 * achievement_error) as mean_error_achievement_pp,
        avg(100.0 * abs(achievement_error)) as mean_absolute_error_achievement_pp,
        avg(points_error) as mean_error_points,
        avg(abs(points_error)) as mean_absolute_error_points,
        avg(case when is_within_interval then 1.0 else 0.0 end) as interval_coverage,
        avg(100.0 * (projected_achievement_high - projected_achievement_low)) as mean_interval_width_pp
    from backtest
    group by indicator_code, achievement_date

),

final as (

    select
        indicator_code,
        group_code,
        achievement_date,
        payment_period_end_date,
        cast(month_of_qof_year as integer) as month_of_qof_year,
        qof_year,
        cast(practice_count as bigint) as practice_count,
        cast(mean_error_achievement_pp as double) as mean_error_achievement_pp,
        cast(mean_absolute_error_achievement_pp as double) as mean_absolute_error_achievement_pp,
        cast(mean_error_points as double) as mean_error_points,
        cast(mean_absolute_error_points as double) as mean_absolute_error_points,
        cast(interval_coverage as double) as interval_coverage,
        cast(mean_interval_width_pp as double) as mean_interval_width_pp
    from summarised

)

select * from final
