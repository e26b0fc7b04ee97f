{#- Age in completed years of a date of birth at a given date. -#}
{% macro age_in_years(date_of_birth, at_date) -%}
    (
        date_part('year', {{ at_date }}) - date_part('year', {{ date_of_birth }})
        - case when strftime({{ at_date }}, '%m%d') < strftime({{ date_of_birth }}, '%m%d') then 1 else 0 end
    )
{%- endmacro %}

{#- The date `months` months before the payment period end date (PPED): the excluded lower
    bound of a window "in the preceding N months" (docs/assumptions.md A2). -#}
{% macro months_before_pped(months) -%}
    cast({{ payment_period_end_date() }} - interval '{{ months }} months' as date)
{%- endmacro %}

{#- True when a date lies in the `months` months before PPED, as far as the data go: strictly
    after (PPED - months) and on or before the achievement date (ACHV_DAT), which is PPED at
    year end and a month end in year, so a 12-month window at 30 April holds April only
    (docs/assumptions.md A2). -#}
{% macro within_months(date_expression, months) -%}
    (
        {{ date_expression }} > {{ months_before_pped(months) }}
        and {{ date_expression }} <= {{ achievement_date() }}
    )
{%- endmacro %}

{#- True when a date lies in the `months` months up to and including the achievement date
    itself: the few windows the rules measure back from ACHV_DAT rather than PPED (the CVD
    risk score's 3 years). -#}
{% macro within_months_of_achievement(date_expression, months) -%}
    (
        {{ date_expression }} > cast({{ achievement_date() }} - interval '{{ months }} months' as date)
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
