{#- Sum of a floating-point expression that does not depend on the order rows arrive in:
    each value is taken to 18 decimal places and summed exactly, so two builds of the same
    extract give identical totals. -#}
{% macro exact_sum(expression) -%}
    cast(sum(cast({{ expression }} as decimal(38, 18))) as double)
{%- endmacro %}
