{#-
    The QOF rule cascade of one indicator.

    `population` is a relation (or a parenthesised select) with one row per eligible patient
    (patient_id, practice_code and the columns the rules use); `population_filter` optionally
    narrows it (e.g. women aged 25-64). `rules` is the ordered list of business rules; each is
    a dict with
        outcome: 'excluded' (rejected, not a PCA), 'numerator' (selected into numerator and
                 denominator) or 'pca' (a personalised care adjustment)
        reason:  the reason code (qof_pca_reasons seed) for 'excluded' and 'pca'
        when:    a SQL condition on the population's columns
    The first rule whose condition is true decides; patients no rule selects stay in the
    denominator. Because the numerator rule comes before the PCA rules, a patient who meets the
    numerator is never excepted (qof_rules.md 5.2).
-#}
{% macro qof_indicator_cascade(indicator_code, population, rules, population_filter=none) %}
    select
        patient_id,
        practice_code,
        '{{ indicator_code }}' as indicator_code,
        case
            {%- for rule in rules %}
                when {{ rule.when }} then '{{ rule.outcome }}'
            {%- endfor %}
            else 'denominator'
        end as cascade_outcome,
        case
            {%- for rule in rules %}
                when {{ rule.when }} then {% if rule.reason %}'{{ rule.reason }}'{% else %}null{% endif %}
            {%- endfor %}
        end as cascade_reason
    from {{ population }} as population
    {%- if population_filter %}
        where {{ population_filter }}
    {%- endif %}
{% endmacro %}

{#- A clinical target of an indicator for the `qof_year` (e.g. DM020 hba1c_max = 58), read from
    the qof_indicator_targets seed so no target is written into SQL. -#}
{% macro indicator_target(indicator_code, target_name) -%}
    (
        select targets.target_value
        from {{ ref('qof_indicator_targets') }} as targets
        where
            targets.qof_year = '{{ var("qof_year") }}'
            and targets.indicator_code = '{{ indicator_code }}'
            and targets.target_name = '{{ target_name }}'
    )
{%- endmacro %}

{#- Dates of `dates_column` (a sorted list) from the start of the service year (QSSD: the day
    after PPED - 12 months) up to the achievement date. -#}
{% macro invitations_in_year(dates_column) -%}
    list_filter({{ dates_column }}, invitation_date -> {{ within_months('invitation_date', 12) }})
{%- endmacro %}

{#- INVITE1: the earliest invitation of the service year (docs/assumptions.md A3). -#}
{% macro first_invitation_in_year(dates_column) -%}
    list_min({{ invitations_in_year(dates_column) }})
{%- endmacro %}

{#- INVITE2 is present: an invitation of the service year at least `invitation_min_gap_days`
    (7) days after INVITE1, a gap of exactly 7 days counting (docs/assumptions.md A3). The
    process-indicator invitation PCA is INVITE1 and INVITE2 present, which this is. -#}
{% macro has_invitation_pair(dates_column) -%}
    (
        len(
            list_filter(
                {{ invitations_in_year(dates_column) }},
                second_invitation -> second_invitation
                >= {{ first_invitation_in_year(dates_column) }} + {{ var('invitation_min_gap_days') }}
            )
        ) > 0
    )
{%- endmacro %}

{#- The invitation PCA of outcome indicators (DMIFINVITE, DMBPINVITE, HYPBPINV, CHDBPINV,
    STBPINVITE): INVITE2 present, and either the latest reading in the 12 months is above
    target and INVITE1 (the first invitation of the service year) falls after it, or there is
    no reading in the 12 months (docs/assumptions.md DA7). An invitation sent before the
    reading defeats the first branch even when two later invitations follow the reading. -#}
{% macro outcome_invitation_pca(dates_column, reading_date, reading_meets_target) -%}
    (
        {{ has_invitation_pair(dates_column) }}
        and (
            not coalesce({{ within_months(reading_date, 12) }}, false)
            or (
                not coalesce({{ reading_meets_target }}, false)
                and {{ first_invitation_in_year(dates_column) }} > {{ reading_date }}
            )
        )
    )
{%- endmacro %}
