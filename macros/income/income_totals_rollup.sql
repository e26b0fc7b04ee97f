{#- Roll practice income totals up to a network level (`pcn` or `icb`): every figure is a sum
    over member practices, each paid with its own CPI and APDF (qof_rules.md 7). Practices
    without a PCN roll up to pcn_code UNALIGNED, as in fct_pcn_indicator_achievement. The
    provisional threshold and prevalence counts are the largest over member practices: they
    count the year's indicators and prevalence figures, the same for every practice. -#}
{% macro income_totals_rollup(level) %}

    with

    practices as (

        select * from {{ ref('stg_gp_extract__practices') }}

    ),

    practice_totals as (

        select * from {{ ref('fct_practice_income_totals') }}

    ),

    network_names as (

        select
            coalesce({{ level }}_code, 'UNALIGNED') as {{ level }}_code,
            any_value({{ level }}_name) as {{ level }}_name
        from practices
        group by coalesce({{ level }}_code, 'UNALIGNED')

    ),

    summed as (

        select
            {{ level }}_code,
            {% if level == 'pcn' -%}
                any_value(icb_code) as icb_code,
            {%- endif %}
            any_value(achievement_date) as achievement_date,
            any_value(qof_year) as qof_year,
            count(*) as practice_count,
            sum(cpi_list_size) as cpi_list_size,
            {{ exact_sum('max_points') }} as max_points,
            {{ exact_sum('achieved_points') }} as achieved_points,
            {{ exact_sum('paid_points') }} as paid_points,
            {{ exact_sum('income_gbp') }} as income_gbp,
            {{ exact_sum('prevalence_adjusted_income_gbp') }} as prevalence_adjusted_income_gbp,
            {{ exact_sum('income_protected_income_gbp') }} as income_protected_income_gbp,
            {{ exact_sum('provisional_income_gbp') }} as provisional_income_gbp,
            max(provisional_threshold_count) as provisional_threshold_count,
            max(provisional_prevalence_count) as provisional_prevalence_count,
            count(*) filter (where has_previous_year_result) as practices_with_previous_year_result,
            {{ exact_sum('previous_year_points') }} as previous_year_points,
            {{ exact_sum('aspiration_gbp') }} as aspiration_gbp,
            {{ exact_sum('aspiration_monthly_gbp') }} as aspiration_monthly_gbp,
            {{ exact_sum('balancing_payment_gbp') }} as balancing_payment_gbp
        from practice_totals
        group by {{ level }}_code

    ),

    final as (

        select
            summed.{{ level }}_code,
            network_names.{{ level }}_name,
            {% if level == 'pcn' -%}
                summed.icb_code,
            {%- endif %}
            summed.achievement_date,
            summed.qof_year,
            cast(summed.practice_count as bigint) as practice_count,
            cast(summed.cpi_list_size as bigint) as cpi_list_size,
            cast(summed.max_points as double) as max_points,
            cast(summed.achieved_points as double) as achieved_points,
            cast(summed.paid_points as double) as paid_points,
            cast(summed.income_gbp as double) as income_gbp,
            cast(summed.prevalence_adjusted_income_gbp as double) as prevalence_adjusted_income_gbp,
            cast(summed.income_protected_income_gbp as double) as income_protected_income_gbp,
            cast(summed.provisional_income_gbp as double) as provisional_income_gbp,
            cast(summed.provisional_threshold_count as bigint) as provisional_threshold_count,
            cast(summed.provisional_prevalence_count as bigint) as provisional_prevalence_count,
            cast(summed.practices_with_previous_year_result as bigint) as practices_with_previous_year_result,
            cast(summed.previous_year_points as double) as previous_year_points,
            cast(summed.aspiration_gbp as double) as aspiration_gbp,
            cast(summed.aspiration_monthly_gbp as double) as aspiration_monthly_gbp,
            cast(summed.balancing_payment_gbp as double) as balancing_payment_gbp
        from summed
        left join network_names
            on summed.{{ level }}_code = network_names.{{ level }}_code

    )

    select * from final

{% endmacro %}
