-- One row per practice, threshold indicator and month-end of the latest QOF year in the
-- trajectory: where the year is heading. Last year's path gives, for each indicator and
-- month of the QOF year, how far achievement moved from that month to the year end (the
-- uplift) across practices; this year's achievement at the month plus the median uplift is
-- the projection, plus the 10th and 90th percentile uplifts the 80 % interval, clamped to
-- [0, 1]. The denominator grows by last year's summed year-end / same-month denominators.
-- Points follow the indicator's thresholds (macros/qof/points.sql), pounds the practice's
-- pounds per point (docs/projection.md).

with

trajectory as (

    select * from {{ ref('fct_practice_indicator_trajectory') }}

),

registry as (

    select * from {{ ref('qof_indicators') }}

),

income as (

    select * from {{ ref('fct_practice_income') }}

),

trajectory_months as (

    select
        practice_code,
        pcn_code,
        icb_code,
        indicator_code,
        group_code,
        achievement_date,
        qof_year,
        denominator,
        numerator,
        achievement,
        points,
        income_gbp,
        {{ qof_year_start_year('achievement_date') }} as qof_year_start_year,
        {{ month_of_qof_year('achievement_date') }} as month_of_qof_year,
        {{ qof_year_end_date('achievement_date') }} as payment_period_end_date
    from trajectory

),

latest_year as (

    select max(qof_year_start_year) as qof_year_start_year
    from trajectory_months

),

this_year as (

    select trajectory_months.*
    from trajectory_months
    inner join latest_year
        on trajectory_months.qof_year_start_year = latest_year.qof_year_start_year

),

last_year as (

    select trajectory_months.*
    from trajectory_months
    inner join latest_year
        on trajectory_months.qof_year_start_year = latest_year.qof_year_start_year - 1

),

last_year_end as (

    select * from last_year
    where month_of_qof_year = 12

),

practice_uplifts as (

    select
        last_year.indicator_code,
        last_year.month_of_qof_year,
        last_year.practice_code,
        last_year_end.achievement - last_year.achievement as uplift,
        last_year.denominator as denominator_at_month,
        last_year_end.denominator as denominator_at_year_end
    from last_year
    inner join last_year_end
        on
            last_year.practice_code = last_year_end.practice_code
            and last_year.indicator_code = last_year_end.indicator_code
    where
        last_year.achievement is not null
        and last_year_end.achievement is not null

),

{%- set quantiles = projection_quantiles() %}

indicator_uplifts as (

    select
        indicator_code,
        month_of_qof_year,
        count(*) as uplift_practice_count,
        quantile_cont(uplift, {{ quantiles.low }}) as uplift_low,
        quantile_cont(uplift, {{ quantiles.central }}) as uplift,
        quantile_cont(uplift, {{ quantiles.high }}) as uplift_high,
        sum(denominator_at_year_end) / sum(denominator_at_month) as denominator_growth
    from practice_uplifts
    group by indicator_code, month_of_qof_year

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

protected_income as (

    select
        practice_code,
        indicator_code,
        qof_year,
        pounds_per_point_adjusted,
        points_basis = 'protected_basis_year' as is_paid_on_protection_basis
    from income

),

projected as (

    select
        this_year.*,
        threshold_indicators.lower_threshold,
        threshold_indicators.upper_threshold,
        threshold_indicators.max_points,
        coalesce(indicator_uplifts.uplift_practice_count, 0) as uplift_practice_count,
        indicator_uplifts.uplift_low,
        indicator_uplifts.uplift,
        indicator_uplifts.uplift_high,
        indicator_uplifts.denominator_growth,
        coalesce(protected_income.is_paid_on_protection_basis, false) as is_paid_on_protection_basis,
        protected_income.pounds_per_point_adjusted,
        {{ clamp_rate('this_year.achievement + indicator_uplifts.uplift') }} as projected_achievement,
        {{ clamp_rate('this_year.achievement + indicator_uplifts.uplift_low') }} as projected_achievement_low,
        {{ clamp_rate('this_year.achievement + indicator_uplifts.uplift_high') }} as projected_achievement_high,
        case
            when this_year.achievement is not null and indicator_uplifts.uplift is not null
                then this_year.denominator * indicator_uplifts.denominator_growth
        end as projected_denominator
    from this_year
    inner join threshold_indicators
        on
            this_year.qof_year = threshold_indicators.qof_year
            and this_year.indicator_code = threshold_indicators.indicator_code
    left join indicator_uplifts
        on
            this_year.indicator_code = indicator_uplifts.indicator_code
            and this_year.month_of_qof_year = indicator_uplifts.month_of_qof_year
    left join protected_income
        on
            this_year.practice_code = protected_income.practice_code
            and this_year.indicator_code = protected_income.indicator_code
            and this_year.qof_year = protected_income.qof_year

),

projected_counts as (

    select
        *,
        projected_achievement * projected_denominator as projected_numerator,
        projected_achievement_low * projected_denominator as projected_numerator_low,
        projected_achievement_high * projected_denominator as projected_numerator_high
    from projected

),

scored as (

    select
        *,
        case
            when projected_achievement is not null
                then {{ threshold_points(
                    'projected_numerator', 'projected_denominator',
                    'lower_threshold', 'upper_threshold', 'max_points'
                ) }}
        end as projected_points,
        case
            when projected_achievement is not null
                then {{ threshold_points(
                    'projected_numerator_low', 'projected_denominator',
                    'lower_threshold', 'upper_threshold', 'max_points'
                ) }}
        end as projected_points_low,
        case
            when projected_achievement is not null
                then {{ threshold_points(
                    'projected_numerator_high', 'projected_denominator',
                    'lower_threshold', 'upper_threshold', 'max_points'
                ) }}
        end as projected_points_high,
        case
            when is_paid_on_protection_basis then 'protection_basis_year'
            when points > 0 then 'month_income'
            when pounds_per_point_adjusted is not null then 'practice_income'
        end as pounds_per_point_basis,
        case
            when is_paid_on_protection_basis then null
            when points > 0 then income_gbp / points
            else pounds_per_point_adjusted
        end as pounds_per_point
    from projected_counts

),

valued as (

    select
        *,
        case
            when projected_achievement is null then null
            when is_paid_on_protection_basis then income_gbp
            else projected_points * pounds_per_point
        end as projected_income_gbp,
        case
            when projected_achievement is null then null
            when is_paid_on_protection_basis then income_gbp
            else projected_points_low * pounds_per_point
        end as projected_income_gbp_low,
        case
            when projected_achievement is null then null
            when is_paid_on_protection_basis then income_gbp
            else projected_points_high * pounds_per_point
        end as projected_income_gbp_high
    from scored

),

final as (

    select
        practice_code,
        pcn_code,
        icb_code,
        indicator_code,
        group_code,
        achievement_date,
        payment_period_end_date,
        cast(month_of_qof_year as integer) as month_of_qof_year,
        qof_year,
        cast(denominator as bigint) as denominator,
        cast(numerator as bigint) as numerator,
        cast(achievement as double) as achievement,
        cast(points as double) as points,
        cast(income_gbp as double) as income_gbp,
        cast(uplift_practice_count as bigint) as uplift_practice_count,
        cast(uplift_low as double) as achievement_uplift_low,
        cast(uplift as double) as achievement_uplift,
        cast(uplift_high as double) as achievement_uplift_high,
        cast(denominator_growth as double) as denominator_growth,
        cast(projected_denominator as double) as projected_denominator,
        cast(projected_numerator as double) as projected_numerator,
        cast(projected_numerator_low as double) as projected_numerator_low,
        cast(projected_numerator_high as double) as projected_numerator_high,
        cast(projected_achievement as double) as projected_achievement,
        cast(projected_achievement_low as double) as projected_achievement_low,
        cast(projected_achievement_high as double) as projected_achievement_high,
        lower_threshold,
        upper_threshold,
        max_points,
        cast(projected_points as double) as projected_points,
        cast(projected_points_low as double) as projected_points_low,
        cast(projected_points_high as double) as projected_points_high,
        pounds_per_point_basis,
        cast(pounds_per_point as double) as pounds_per_point,
        cast(projected_income_gbp as double) as projected_income_gbp,
        cast(projected_income_gbp_low as double) as projected_income_gbp_low,
        cast(projected_income_gbp_high as double) as projected_income_gbp_high
    from valued

)

select * from final
