{#- Helpers of the year-end projection marts (docs/projection.md). -#}

{#- The QOF year runs 1 April to 31 March. -#}
{% macro qof_year_first_month() -%}
    4
{%- endmacro %}

{#- The calendar year a QOF year starts in: 2024-03-31 -> 2023, 2023-04-30 -> 2023. -#}
{% macro qof_year_start_year(date_expression) -%}
    (
        year({{ date_expression }})
        - case when month({{ date_expression }}) < {{ qof_year_first_month() }} then 1 else 0 end
    )
{%- endmacro %}

{#- Month of the QOF year a date falls in: 1 = April ... 12 = March. -#}
{% macro month_of_qof_year(date_expression) -%}
    (((month({{ date_expression }}) - {{ qof_year_first_month() }} + 12) % 12) + 1)
{%- endmacro %}

{#- The payment period end date (31 March) of the QOF year a date falls in. -#}
{% macro qof_year_end_date(date_expression) -%}
    cast(
        make_date({{ qof_year_start_year(date_expression) }} + 1, {{ qof_year_first_month() }}, 1)
        - interval 1 day as date
    )
{%- endmacro %}

{#- The three uplift percentiles of the projection: the 80 % interval runs from the 10th to
    the 90th, the central projection is the median. -#}
{% macro projection_quantiles() -%}
    {{ return({'low': 0.1, 'central': 0.5, 'high': 0.9}) }}
{%- endmacro %}

{#- Clamp a rate to [0, 1]; null stays null (least and greatest skip nulls). -#}
{% macro clamp_rate(expression) -%}
    case when ({{ expression }}) is not null then least(greatest({{ expression }}, 0.0), 1.0) end
{%- endmacro %}

{#- Leave-one-out quantiles without an n-squared self join. For a group of n values sorted
    ascending into `sorted_list` (1-based), the quantile_cont at q of the n - 1 values left
    when the value at 0-based rank r is removed interpolates at position q * (n - 2): the
    value at position i of the reduced list is sorted_list[i + 1] when i < r and
    sorted_list[i + 2] otherwise. Only three list entries per group and quantile are ever
    read: k, k + 1 and k + 2 (k = floor of the position). `leave_one_out_quantile_parts`
    computes them once per group; `leave_one_out_quantile` picks per row. -#}
{% macro leave_one_out_quantile_parts(sorted_list, value_count, q, prefix) -%}
    cast(floor({{ q }} * ({{ value_count }} - 2)) as bigint) as {{ prefix }}_k,
    {{ q }} * ({{ value_count }} - 2) - floor({{ q }} * ({{ value_count }} - 2)) as {{ prefix }}_fraction,
    {{ sorted_list }}[cast(floor({{ q }} * ({{ value_count }} - 2)) as bigint) + 1] as {{ prefix }}_at_k,
    {{ sorted_list }}[cast(floor({{ q }} * ({{ value_count }} - 2)) as bigint) + 2] as {{ prefix }}_at_k1,
    {{ sorted_list }}[cast(floor({{ q }} * ({{ value_count }} - 2)) as bigint) + 3] as {{ prefix }}_at_k2
{%- endmacro %}

{% macro leave_one_out_quantile(prefix, rank) -%}
    (
        case when {{ prefix }}_k < {{ rank }} then {{ prefix }}_at_k else {{ prefix }}_at_k1 end
        + case
            when {{ prefix }}_fraction = 0 then 0.0
            else
                {{ prefix }}_fraction * (
                    case when {{ prefix }}_k + 1 < {{ rank }} then {{ prefix }}_at_k1 else {{ prefix }}_at_k2 end
                    - case when {{ prefix }}_k < {{ rank }} then {{ prefix }}_at_k else {{ prefix }}_at_k1 end
                )
        end
    )
{%- endmacro %}

{#- Roll the practice projection up to a network level (`pcn` or `icb`): counts, points and
    pounds are summed over the member practices that have a projection, and rates are
    recomputed from the summed counts, never averaged (qof_rules.md 7). Every practice of an
    indicator and month is projected with the same uplift percentile, so the sum of the
    practices' 10th (90th) percentile points is the network's 10th (90th) percentile under
    that method. Practices without a PCN roll up to pcn_code UNALIGNED. -#}
{% macro network_projection_rollup(level) %}

    with

    practices as (

        select * from {{ ref('stg_gp_extract__practices') }}

    ),

    projection as (

        select * from {{ ref('fct_practice_indicator_projection') }}

    ),

    network_names as (

        select
            coalesce({{ level }}_code, 'UNALIGNED') as {{ level }}_code,
            any_value({{ level }}_name) as {{ level }}_name
        from practices
        group by coalesce({{ level }}_code, 'UNALIGNED')

    ),

    practice_rows as (

        select
            coalesce(practices.{{ level }}_code, 'UNALIGNED') as {{ level }}_code,
            {% if level == 'pcn' -%}
                practices.icb_code,
            {%- endif %}
            projection.*  exclude (pcn_code, icb_code),
            projection.projected_achievement is not null as is_projected
        from projection
        inner join practices
            on projection.practice_code = practices.practice_code

    ),

    summed as (

        select
            {{ level }}_code,
            {% if level == 'pcn' -%}
                any_value(icb_code) as icb_code,
            {%- endif %}
            indicator_code,
            achievement_date,
            any_value(payment_period_end_date) as payment_period_end_date,
            any_value(month_of_qof_year) as month_of_qof_year,
            any_value(qof_year) as qof_year,
            any_value(group_code) as group_code,
            count(*) as practice_count,
            count(*) filter (where is_projected) as projected_practice_count,
            sum(denominator) as denominator,
            sum(numerator) as numerator,
            {{ exact_sum('max_points') }} as max_points,
            {{ exact_sum('points') }} as points,
            {{ exact_sum('income_gbp') }} as income_gbp,
            {{ exact_sum('projected_denominator') }} as projected_denominator,
            {{ exact_sum('projected_numerator') }} as projected_numerator,
            {{ exact_sum('projected_numerator_low') }} as projected_numerator_low,
            {{ exact_sum('projected_numerator_high') }} as projected_numerator_high,
            {{ exact_sum('projected_points') }} as projected_points,
            {{ exact_sum('projected_points_low') }} as projected_points_low,
            {{ exact_sum('projected_points_high') }} as projected_points_high,
            {{ exact_sum('projected_income_gbp') }} as projected_income_gbp,
            {{ exact_sum('projected_income_gbp_low') }} as projected_income_gbp_low,
            {{ exact_sum('projected_income_gbp_high') }} as projected_income_gbp_high
        from practice_rows
        group by {{ level }}_code, indicator_code, achievement_date

    ),

    final as (

        select
            summed.{{ level }}_code,
            network_names.{{ level }}_name,
            {% if level == 'pcn' -%}
                summed.icb_code,
            {%- endif %}
            summed.indicator_code,
            summed.group_code,
            summed.achievement_date,
            summed.payment_period_end_date,
            cast(summed.month_of_qof_year as integer) as month_of_qof_year,
            summed.qof_year,
            cast(summed.practice_count as bigint) as practice_count,
            cast(summed.projected_practice_count as bigint) as projected_practice_count,
            cast(summed.denominator as bigint) as denominator,
            cast(summed.numerator as bigint) as numerator,
            cast(case when summed.denominator > 0 then summed.numerator / summed.denominator end as double)
                as achievement,
            cast(summed.max_points as double) as max_points,
            cast(summed.points as double) as points,
            cast(summed.income_gbp as double) as income_gbp,
            cast(summed.projected_denominator as double) as projected_denominator,
            cast(summed.projected_numerator as double) as projected_numerator,
            cast(
                case
                    when summed.projected_denominator > 0
                        then summed.projected_numerator / summed.projected_denominator
                end as double
            ) as projected_achievement,
            cast(
                case
                    when summed.projected_denominator > 0
                        then summed.projected_numerator_low / summed.projected_denominator
                end as double
            ) as projected_achievement_low,
            cast(
                case
                    when summed.projected_denominator > 0
                        then summed.projected_numerator_high / summed.projected_denominator
                end as double
            ) as projected_achievement_high,
            cast(summed.projected_points as double) as projected_points,
            cast(summed.projected_points_low as double) as projected_points_low,
            cast(summed.projected_points_high as double) as projected_points_high,
            cast(summed.projected_income_gbp as double) as projected_income_gbp,
            cast(summed.projected_income_gbp_low as double) as projected_income_gbp_low,
            cast(summed.projected_income_gbp_high as double) as projected_income_gbp_high
        from summed
        left join network_names
            on summed.{{ level }}_code = network_names.{{ level }}_code

    )

    select * from final

{% endmacro %}
