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

{#- True when a resolved (or remission) code dated `resolved_date` removes a diagnosis dated
    `diagnosis_date`: a later resolved code always does; one on the same day only with
    `resolved_same_day_policy: off_register` (docs/assumptions.md A1). Null when either is null. -#}
{% macro resolves_diagnosis(resolved_date, diagnosis_date) -%}
    (
        {{ resolved_date }}
        {% if var('resolved_same_day_policy') == 'off_register' %}>={% else %}>{% endif %}
        {{ diagnosis_date }}
    )
{%- endmacro %}
