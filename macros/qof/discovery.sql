{#- Names (without prefix) of every macro in this project whose name starts with `prefix`,
    sorted. Registers and indicators are discovered this way, so adding one never means
    editing a hand-kept list of unions. -#}
{% macro discover_macros(prefix) %}
    {%- set names = [] -%}
    {%- for name in context.keys() | sort -%}
        {%- if name.startswith(prefix) -%}
            {%- do names.append(name[prefix | length:]) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}

{#- Indicator cascades to compile: every `indicator__*` macro, or only those listed in the
    `qof_indicators_only` var (unit tests compile one indicator at a time). -#}
{% macro selected_indicator_macros() %}
    {%- set only = var('qof_indicators_only', none) -%}
    {%- set selected = [] -%}
    {%- for name in discover_macros('indicator__') -%}
        {%- if only is none or name | upper in (only | map('upper') | list) -%}
            {%- do selected.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(selected) }}
{% endmacro %}
