{#- The two rates compared in funnel plots, as (measure, numerator, denominator) rows of a
    relation holding QOF counts: achievement = numerator / denominator, and the PCA rate =
    PCAs / (denominator + PCAs), as NHS England publishes it (qof_rules.md 1.2). -#}
{% macro funnel_measure_rows(relation, key_columns) %}
    select
        {% for column in key_columns -%}{{ column }},{% endfor %}
        'achievement' as measure,
        numerator as measure_numerator,
        denominator as measure_denominator
    from {{ relation }}
    union all
    select
        {% for column in key_columns -%}{{ column }},{% endfor %}
        'pca_rate' as measure,
        pca_count as measure_numerator,
        denominator + pca_count as measure_denominator
    from {{ relation }}
{% endmacro %}

{#- `high` when the count lies above the upper quantile count of the binomial at the
    comparison rate, `low` below the lower one, `within` otherwise (exact binomial test at the
    limit's coverage; see binomial_control_limits). -#}
{% macro funnel_outlier_flag(count, lower_count, upper_count) -%}
    case
        when {{ count }} is null or {{ lower_count }} is null then null
        when {{ count }} > {{ upper_count }} then 'high'
        when {{ count }} < {{ lower_count }} then 'low'
        else 'within'
    end
{%- endmacro %}
