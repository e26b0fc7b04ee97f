-- One row per practice, indicator and month-end achievement date: counts, achievement,
-- points and income as they stood that day, beside the same month-end a year earlier.
-- Incremental: each run adds (or replaces) the rows of the `achievement_date` var and
-- refreshes the last-year columns of the rows a year later, so building month by month
-- (qof_warehouse/trajectory.py) keeps every earlier month without recomputing it.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['practice_code', 'indicator_code', 'achievement_date'],
        on_schema_change='fail',
    )
}}

with

achievement as (

    select * from {{ ref('fct_practice_indicator_achievement') }}

),

income as (

    select * from {{ ref('fct_practice_income') }}

),

this_month as (

    select
        achievement.practice_code,
        coalesce(achievement.pcn_code, 'UNALIGNED') as pcn_code,
        achievement.icb_code,
        achievement.indicator_code,
        achievement.achievement_date,
        income.qof_year,
        achievement.group_code,
        achievement.register,
        achievement.denominator,
        achievement.numerator,
        achievement.pca_count,
        achievement.achievement,
        achievement.pca_rate,
        achievement.max_points,
        achievement.points,
        income.income_gbp
    from achievement
    inner join income
        on
            achievement.practice_code = income.practice_code
            and achievement.indicator_code = income.indicator_code

),

earlier_months as (

    {% if is_incremental() -%}
        select
            practice_code,
            pcn_code,
            icb_code,
            indicator_code,
            achievement_date,
            qof_year,
            group_code,
            register,
            denominator,
            numerator,
            pca_count,
            achievement,
            pca_rate,
            max_points,
            points,
            income_gbp
        from {{ this }}
        where achievement_date != {{ achievement_date() }}
    {%- else -%}
        select * from this_month
        where false
    {%- endif %}

),

all_months as (

    select * from this_month
    union all
    select * from earlier_months

),

dated as (

    select
        *,
        case
            when achievement_date = last_day(achievement_date)
                then last_day(achievement_date - interval 1 year)
            else cast(achievement_date - interval 1 year as date)
        end as same_month_last_year_date
    from all_months

),

rows_to_write as (

    select * from dated
    where
        achievement_date = {{ achievement_date() }}
        or same_month_last_year_date = {{ achievement_date() }}

),

final as (

    select
        rows_to_write.practice_code,
        rows_to_write.pcn_code,
        rows_to_write.icb_code,
        rows_to_write.indicator_code,
        rows_to_write.achievement_date,
        rows_to_write.qof_year,
        rows_to_write.group_code,
        cast(rows_to_write.register as bigint) as register,
        cast(rows_to_write.denominator as bigint) as denominator,
        cast(rows_to_write.numerator as bigint) as numerator,
        cast(rows_to_write.pca_count as bigint) as pca_count,
        cast(rows_to_write.achievement as double) as achievement,
        cast(rows_to_write.pca_rate as double) as pca_rate,
        cast(rows_to_write.max_points as double) as max_points,
        cast(rows_to_write.points as double) as points,
        cast(rows_to_write.income_gbp as double) as income_gbp,
        rows_to_write.same_month_last_year_date,
        cast(last_year.denominator as bigint) as denominator_last_year,
        cast(last_year.numerator as bigint) as numerator_last_year,
        cast(last_year.achievement as double) as achievement_last_year,
        cast(last_year.points as double) as points_last_year,
        cast(last_year.income_gbp as double) as income_gbp_last_year,
        cast(rows_to_write.achievement - last_year.achievement as double) as achievement_change_from_last_year,
        cast(rows_to_write.points - last_year.points as double) as points_change_from_last_year
    from rows_to_write
    left join dated as last_year
        on
            rows_to_write.practice_code = last_year.practice_code
            and rows_to_write.indicator_code = last_year.indicator_code
            and rows_to_write.same_month_last_year_date = last_year.achievement_date

)

select * from final
