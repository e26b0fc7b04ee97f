{#- Asthma indicator cascades (thresholds_and_rules.md 2.1). Population: the AST register
    (int_indicator_inputs__asthma). -#}

{#- The general PCA tail of a respiratory or lifestyle process indicator, in the order of the
    business rules as transcribed for AST007 (opensafely/qof-utilities): any specific rules,
    the area's unsuitable PCA, any specific declines (`declined_rules`), informed dissent, the
    invitation rules, diagnosed (`diagnosis_column`; none leaves the rule out) and registered
    in the 3 months up to the achievement date. -#}
{% macro resp_process_pca_rules(
    unsuitable_reason, dissent_reason, invitation_rules, declined_rules=[],
    specific_rules=[], diagnosis_column='diagnosis_date'
) %}
    {%- set rules = specific_rules
        + [{'outcome': 'pca', 'reason': unsuitable_reason, 'when': within_months('unsuitable_date', 12)}]
        + declined_rules
        + [{'outcome': 'pca', 'reason': dissent_reason, 'when': within_months('dissent_date', 12)}]
        + invitation_rules -%}
    {%- if diagnosis_column -%}
        {%- do rules.append({'outcome': 'pca', 'reason': 'DIAG1_DAT', 'when': within_months(diagnosis_column, 3)}) -%}
    {%- endif -%}
    {%- do rules.append({'outcome': 'pca', 'reason': 'REG1_DAT3', 'when': within_months('registration_date', 3)}) -%}
    {{ return(rules) }}
{% endmacro %}

{#- The general invitation PCA (`reason`): two invitations at least `invitation_min_gap_days`
    apart in the 12 months up to the achievement date. -#}
{% macro resp_invitation_rule(reason) %}
    {{ return([{'outcome': 'pca', 'reason': reason, 'when': has_invitation_pair('invitation_dates')}]) }}
{% endmacro %}

{#- True when the list `dates_column` holds a date from `days_before` days before to
    `days_after` days after the date `anchor` (both ends inclusive). -#}
{% macro resp_any_date_around(dates_column, anchor, days_before, days_after) -%}
    (
        len(list_filter(
            coalesce({{ dates_column }}, []),
            event_date -> event_date >= {{ anchor }} - {{ days_before }}
            and event_date <= {{ anchor }} + {{ days_after }}
        )) > 0
    )
{%- endmacro %}

{#- True when the list `dates_column` holds a date from `anchor` to `months_column` (a column
    holding a number of months) months after it, both ends inclusive: an element recorded with
    a review. -#}
{% macro resp_any_date_in_months_after(dates_column, anchor, months_column) -%}
    (
        len(list_filter(
            coalesce({{ dates_column }}, []),
            element_date -> element_date >= {{ anchor }}
            and element_date <= cast({{ anchor }} + to_months(cast({{ months_column }} as integer)) as date)
        )) > 0
    )
{%- endmacro %}

{#- The numerator of a review indicator (AST007, COPD010): any review (a date of the list
    `review_dates_column`) in the preceding 12 months whose every element (`element_columns`,
    lists of dates) is recorded on the review date or at most `review_element_months` (a
    population column, from the indicator's qof_indicator_targets row) later; not only the
    latest review (docs/assumptions.md OA1). -#}
{% macro resp_any_complete_review(review_dates_column, element_columns) -%}
    coalesce(
        len(list_filter(
            coalesce({{ review_dates_column }}, []),
            reviewed_on -> {{ within_months('reviewed_on', 12) }}
            {%- for column in element_columns %}
                and {{ resp_any_date_in_months_after(column, 'reviewed_on', 'review_element_months') }}
            {%- endfor %}
        )) > 0,
        false
    )
{%- endmacro %}

{#- At least two dates of `dates_column` between `low` and `high` (inclusive), the second at
    least `invitation_min_gap_days` after the first (ASTDIAGINV, ASTREGINV). -#}
{% macro resp_invitation_pair_between(dates_column, low, high) -%}
    {%- set in_period -%}
        list_filter(
            coalesce({{ dates_column }}, []),
            invitation_date -> invitation_date >= {{ low }} and invitation_date <= {{ high }}
        )
    {%- endset -%}
    (
        len(list_filter(
            {{ in_period }},
            second_invitation -> second_invitation >= list_min({{ in_period }}) + {{ var('invitation_min_gap_days') }}
        )) > 0
    )
{%- endmacro %}

{#- A cascade population: `relation` with extra columns (`columns`: name -> SQL expression) so
    that long conditions are written once, not in both CASE expressions of the cascade, and
    list filters can compare with a column (DuckDB allows no subquery inside a lambda). -#}
{% macro resp_population(relation, columns) -%}
    (
        select
            inputs.*
            {%- for name, expression in columns.items() %},
            {{ expression }} as {{ name }}
            {%- endfor %}
        from {{ relation }} as inputs
    )
{%- endmacro %}

{#- AST011 numerator at one anchor date: quality-assured spirometry plus one other objective
    test (FeNO, bronchodilator reversibility or peak-flow variability) in the window. -#}
{% macro _resp_ast011_tests_done(anchor) -%}
    (
        {{ resp_any_date_around('spirometry_dates', anchor, 93, 186) }}
        and {{ resp_any_date_around('other_test_dates', anchor, 93, 186) }}
    )
{%- endmacro %}

{#- An AST011 exception code (`dates_column`) in the 186 days (6 months) after the diagnosis or
    after a registration that followed the diagnosis. -#}
{% macro _resp_ast011_after_anchor(dates_column) -%}
    coalesce(
        {{ resp_any_date_around(dates_column, 'diagnosis_date', 0, 186) }}
        or (
            registration_date > diagnosis_date
            and {{ resp_any_date_around(dates_column, 'registration_date', 0, 186) }}
        ),
        false
    )
{%- endmacro %}

{#- AST007: any asthma review (REV_COD) in the preceding 12 months with a written personalised
    asthma action plan, a validated asthma control questionnaire and the number of
    exacerbations recorded from the review date to one month after it (the AST007
    review_element_months target). PCA order as transcribed from the business rules:
    unsuitable, monitoring declined, informed dissent, invitations, diagnosed or registered in
    the 3 months. -#}
{% macro indicator__ast007() %}
    {{ qof_indicator_cascade(
        'AST007',
        resp_population(ref('int_indicator_inputs__asthma'), {
            'review_element_months': indicator_target('AST007', 'review_element_months'),
        }),
        [{'outcome': 'numerator', 'when': resp_any_complete_review(
            'review_dates', ['action_plan_dates', 'control_assessment_dates', 'exacerbation_count_dates']
        )}]
        + resp_process_pca_rules(
            'ASTPCAPU', 'ASTPCADEC', resp_invitation_rule('ASTINVITE1'),
            declined_rules=[{'outcome': 'pca', 'reason': 'ASTMONDEC', 'when': within_months('monitoring_declined_date', 12)}]
        )
    ) }}
{% endmacro %}

{#- AST008 (2023/24, 2024/25): asthma patients aged 19 or under with their own smoking status
    or their exposure to second-hand smoke recorded in the preceding 12 months. -#}
{% macro indicator__ast008() %}
    {{ qof_indicator_cascade(
        'AST008',
        ref('int_indicator_inputs__asthma'),
        [
            {'outcome': 'excluded', 'reason': 'PAT_AGEO19', 'when': 'age > ' ~ indicator_target('AST008', 'age_max')},
            {'outcome': 'numerator', 'when': within_months('smoking_or_exposure_date', 12)},
        ]
        + resp_process_pca_rules(
            'ASTPCAPU', 'ASTPCADEC', resp_invitation_rule('ASTINVITE1'),
            declined_rules=[
                {'outcome': 'pca', 'reason': 'SMOKSTDEC', 'when': within_months('smoking_status_declined_date', 12)},
                {'outcome': 'pca', 'reason': 'ASTMONDEC', 'when': within_months('monitoring_declined_date', 12)},
            ]
        )
    ) }}
{% endmacro %}

{#- AST011 (2023/24, 2024/25): asthma diagnosed (first diagnosis of the current episode) on or
    after 1 April 2023, a fixed backstop date [R]: quality-assured spirometry and one other
    objective test from 93 days before to 186 days after the diagnosis, or, when registered
    after the diagnosis, around the registration. Patients still inside their window without
    the tests are excluded (DIAGASTTST, REGASTTST). PCAs: spirometry unsuitable, asthma care
    unsuitable, the service-unavailable and declined codes in the 6 months after diagnosis or
    registration, monitoring declined, informed dissent, the invitation pairs around the
    diagnosis (ASTDIAGINV) and after the registration (ASTREGINV), then DIAG1_DAT, REG1_DAT3. -#}
{% macro indicator__ast011(backstop_date='2023-04-01') %}
    {{ qof_indicator_cascade(
        'AST011',
        resp_population(ref('int_indicator_inputs__asthma'), {
            'is_tested': 'coalesce(' ~ _resp_ast011_tests_done('diagnosis_date')
                ~ ' or (registration_date > diagnosis_date and '
                ~ _resp_ast011_tests_done('registration_date') ~ '), false)',
            'is_spirometry_unsuitable': _resp_ast011_after_anchor('spirometry_unsuitable_dates'),
            'is_spirometry_unavailable': _resp_ast011_after_anchor('spirometry_unavailable_dates'),
            'is_feno_unavailable': _resp_ast011_after_anchor('feno_unavailable_dates'),
            'is_asthma_service_unavailable': _resp_ast011_after_anchor('asthma_service_unavailable_dates'),
            'is_spirometry_declined': _resp_ast011_after_anchor('spirometry_declined_dates'),
            'has_diagnosis_invitations': 'coalesce(' ~ resp_invitation_pair_between(
                'all_invitation_dates', 'diagnosis_date - 93', 'diagnosis_date + 186') ~ ', false)',
            'has_registration_invitations': 'coalesce(registration_date > diagnosis_date and '
                ~ resp_invitation_pair_between('all_invitation_dates', 'registration_date', 'registration_date + 186')
                ~ ', false)',
        }),
        [
            {'outcome': 'excluded', 'reason': 'DIAG_DAT23', 'when': "diagnosis_date < date '" ~ backstop_date ~ "'"},
            {'outcome': 'numerator', 'when': 'is_tested'},
            {'outcome': 'excluded', 'reason': 'DIAGASTTST', 'when': within_months('diagnosis_date', 6)},
            {'outcome': 'excluded', 'reason': 'REGASTTST',
                'when': within_months('registration_date', 6) ~ ' and registration_date > diagnosis_date'},
        ]
        + resp_process_pca_rules(
            'ASTPCAPU', 'ASTPCADEC',
            [
                {'outcome': 'pca', 'reason': 'ASTDIAGINV', 'when': 'has_diagnosis_invitations'},
                {'outcome': 'pca', 'reason': 'ASTREGINV', 'when': 'has_registration_invitations'},
            ],
            specific_rules=[{'outcome': 'pca', 'reason': 'SPIRPUSP1', 'when': 'is_spirometry_unsuitable'}],
            declined_rules=[
                {'outcome': 'pca', 'reason': 'SPIRPCASU1', 'when': 'is_spirometry_unavailable'},
                {'outcome': 'pca', 'reason': 'FENOPCASU1', 'when': 'is_feno_unavailable'},
                {'outcome': 'pca', 'reason': 'ASTPCASU1', 'when': 'is_asthma_service_unavailable'},
                {'outcome': 'pca', 'reason': 'SPIRDECSP1', 'when': 'is_spirometry_declined'},
                {'outcome': 'pca', 'reason': 'ASTMONDEC', 'when': within_months('monitoring_declined_date', 12)},
            ]
        )
    ) }}
{% endmacro %}

{#- AST012 (2025/26, successor of AST011): asthma diagnosed on or after 1 April 2025 (a fixed
    backstop date) with an objective test (spirometry, FeNO, bronchodilator reversibility or
    peak-flow variability) from 93 days before to 93 days after the diagnosis. The 2025/26
    business rules are not stored: the PCAs are AST011's general ones with the invitation pair
    around the diagnosis [R]; blood eosinophils, bronchial challenge and skin-prick tests are
    not clustered yet. -#}
{% macro indicator__ast012(backstop_date='2025-04-01') %}
    {{ qof_indicator_cascade(
        'AST012',
        resp_population(ref('int_indicator_inputs__asthma'), {
            'is_tested': 'coalesce(' ~ resp_any_date_around('spirometry_dates', 'diagnosis_date', 93, 93)
                ~ ' or ' ~ resp_any_date_around('other_test_dates', 'diagnosis_date', 93, 93) ~ ', false)',
            'has_diagnosis_invitations': 'coalesce(' ~ resp_invitation_pair_between(
                'all_invitation_dates', 'diagnosis_date - 93', 'diagnosis_date + 93') ~ ', false)',
        }),
        [
            {'outcome': 'excluded', 'reason': 'DIAG_DAT25', 'when': "diagnosis_date < date '" ~ backstop_date ~ "'"},
            {'outcome': 'numerator', 'when': 'is_tested'},
        ]
        + resp_process_pca_rules(
            'ASTPCAPU', 'ASTPCADEC',
            [{'outcome': 'pca', 'reason': 'ASTDIAGINV', 'when': 'has_diagnosis_invitations'}],
            declined_rules=[
                {'outcome': 'pca', 'reason': 'ASTMONDEC', 'when': within_months('monitoring_declined_date', 12)},
            ]
        )
    ) }}
{% endmacro %}
