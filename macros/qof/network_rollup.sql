{#- Roll practice indicator achievement and income up to a network level (`pcn` or `icb`):
    counts, points and income are summed over member practices and achievement is recomputed
    from the summed counts, never averaged (qof_rules.md 7). -#}
{% macro network_indicator_rollup(level) %}

    with

    practices as (

        select * from {{ ref('stg_gp_extract__practices') }}

    ),

    achievement as (

        select * from {{ ref('fct_practice_indicator_achievement') }}

    ),

    income as (

        select * from {{ ref('fct_practice_income') }}

    ),

    practice_rows as (

        select
            coalesce(practices.{{ level }}_code, 'UNALIGNED') as {{ level }}_code,
            any_value(practices.{{ level }}_name) over (
                partition by coalesce(practices.{{ level }}_code, 'UNALIGNED')
            ) as {{ level }}_name,
            {% if level == 'pcn' -%}
                practices.icb_code,
            {%- endif %}
            achievement.*  exclude (pcn_code, icb_code, practice_code),
            achievement.practice_code,
            income.income_gbp
        from achievement
        inner join practices
            on achievement.practice_code = practices.practice_code
        left join income
            on
                achievement.practice_code = income.practice_code
                and achievement.indicator_code = income.indicator_code

    ),

    summed as (

        select
            {{ level }}_code,
            any_value({{ level }}_name) as {{ level }}_name,
            {% if level == 'pcn' -%}
                any_value(icb_code) as icb_code,
            {%- endif %}
            indicator_code,
            any_value(achievement_date) as achievement_date,
            any_value(group_code) as group_code,
            count(*) as practice_count,
            cast(sum(register) as bigint) as register,
            cast(sum(denominator) as bigint) as denominator,
            cast(sum(numerator) as bigint) as numerator,
            cast(sum(pca_count) as bigint) as pca_count,
            cast(sum(exclusion_count) as bigint) as exclusion_count,
            {{ exact_sum('max_points') }} as max_points,
            {{ exact_sum('points') }} as points,
            {{ exact_sum('income_gbp') }} as income_gbp
        from practice_rows
        group by {{ level }}_code, indicator_code

    ),

    final as (

        select
            *,
            case when denominator = 0 then null else numerator / denominator end as achievement,
            case
                when denominator + pca_count = 0 then null
                else pca_count / (denominator + pca_count)
            end as pca_rate
        from summed

    )

    select * from final

{% endmacro %}
