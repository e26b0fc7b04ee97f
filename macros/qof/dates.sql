{#- Age in completed years of a date of birth at a given date. -#}
{% macro age_in_years(date_of_birth, at_date) -%}
    (
        date_part('year', {{ at_date }}) - date_part('year', {{ date_of_birth }})
        - case when strftime({{ at_date }}, '%m%d') < strftime({{ date_of_birth }}, '%m%d') then 1 else 0 end
    )
{%- endmacro %}

{#- The date `months` months before the achievement date (the window's excluded lower bound). -#}
{% macro months_before_achievement(months) -%}
    cast({{ achievement_date() }} - interval '{{ months }} months' as date)
{%- endmacro %}

{#- True when a date lies in the `months` months leading up to and including the achievement
    date: strictly after (PPED - months) and on or before PPED (docs/assumptions.md A2). -#}
{% macro within_months(date_expression, months) -%}
    (
        {{ date_expression }} > {{ months_before_achievement(months) }}
        and {{ date_expression }} <= {{ achievement_date() }}
    )
{%- endmacro %}
