-- One row per practice: QOF income for the year summed over its indicators, with the
-- aspiration payment advanced during the year and the year-end balancing payment when the
-- prior-year result is loaded, and how much of the income rests on provisional thresholds or
-- provisional prevalence figures (docs/reference_data.md).

with

practices as (

    select * from {{ ref('stg_gp_extract__practices') }}

),

income as (

    select * from {{ ref('fct_practice_income') }}

),

summed as (

    select
        practice_code,
        any_value(achievement_date) as achievement_date,
        any_value(qof_year) as qof_year,
        any_value(cpi_list_size) as cpi_list_size,
        any_value(cpi) as cpi,
        count(*) as indicator_count,
        {{ exact_sum('max_points') }} as max_points,
        {{ exact_sum('achieved_points') }} as achieved_points,
        {{ exact_sum('paid_points') }} as paid_points,
        {{ exact_sum('income_gbp') }} as income_gbp,
        coalesce(
            {{ exact_sum('case when is_prevalence_adjusted then income_gbp end') }}, 0
        ) as prevalence_adjusted_income_gbp,
        coalesce(
            {{ exact_sum('case when is_income_protected then income_gbp end') }}, 0
        ) as income_protected_income_gbp,
        coalesce(
            {{ exact_sum('case when is_provisional_threshold or is_provisional_prevalence then income_gbp end') }}, 0
        ) as provisional_income_gbp,
        count(distinct indicator_code) filter (where is_provisional_threshold) as provisional_threshold_count,
        count(distinct coalesce(register_code, indicator_code)) filter (
            where is_provisional_prevalence
        ) as provisional_prevalence_count,
        bool_or(has_previous_year_result) as has_previous_year_result,
        {{ exact_sum('previous_year_points') }} as previous_year_points,
        {{ exact_sum('aspiration_gbp') }} as aspiration_gbp,
        {{ exact_sum('aspiration_monthly_gbp') }} as aspiration_monthly_gbp,
        {{ exact_sum('balancing_payment_gbp') }} as balancing_payment_gbp
    from income
    group by practice_code

),

final as (

    select
        summed.practice_code,
        practices.practice_name,
        coalesce(practices.pcn_code, 'UNALIGNED') as pcn_code,
        practices.icb_code,
        summed.achievement_date,
        summed.qof_year,
        cast(summed.cpi_list_size as bigint) as cpi_list_size,
        cast(summed.cpi as double) as cpi,
        cast(summed.indicator_count as bigint) as indicator_count,
        cast(summed.max_points as double) as max_points,
        cast(summed.achieved_points as double) as achieved_points,
        cast(summed.paid_points as double) as paid_points,
        cast(summed.income_gbp as double) as income_gbp,
        cast(summed.prevalence_adjusted_income_gbp as double) as prevalence_adjusted_income_gbp,
        cast(summed.income_protected_income_gbp as double) as income_protected_income_gbp,
        cast(summed.provisional_income_gbp as double) as provisional_income_gbp,
        cast(summed.provisional_threshold_count as bigint) as provisional_threshold_count,
        cast(summed.provisional_prevalence_count as bigint) as provisional_prevalence_count,
        summed.has_previous_year_result,
        cast(summed.previous_year_points as double) as previous_year_points,
        cast(summed.aspiration_gbp as double) as aspiration_gbp,
        cast(summed.aspiration_monthly_gbp as double) as aspiration_monthly_gbp,
        cast(summed.balancing_payment_gbp as double) as balancing_payment_gbp
    from summed
    inner join practices
        on summed.practice_code = practices.practice_code

)

select * from final
