{#- The QOF year before a given one: '2024-25' -> '2023-24'. A QOF year runs 1 April to
    31 March and is named after its two calendar years. -#}
{% macro previous_qof_year(qof_year) -%}
    {%- set first_year = qof_year[:4] | int - 1 -%}
    {{- first_year ~ '-' ~ ('%02d' | format((first_year + 1) % 100)) -}}
{%- endmacro %}
