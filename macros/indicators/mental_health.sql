{#- Mental health indicator cascades (thresholds_and_rules.md 2.1). Population: the MH
    register (int_indicator_inputs__mental_health), every indicator first rejecting patients
    in remission (MHREM_DAT, an exclusion in the NHS Digital 2023/24 PCA reference; with the
    default mh_remission_policy they stay on the register: docs/assumptions.md OA2). -#}

{#- True when `column` holds a date in the preceding `months` months (false, never null). -#}
{% macro _mh_in_window(column, months=12) -%}
    coalesce({{ within_months(column, months) }}, false)
{%- endmacro %}

{#- The six elements of the SMI physical health check (MH021, PCIT): for each, the SQL that
    says it was received (the numerator of MH003, MH006, MH007, MH011, MH012 and of SMOK002,
    smok002_status_recorded) and the SQL that says a valid reason for not receiving
    it is recorded (that element's declined / unsuitable PCA, or for the glucose test diabetes
    of 12 months or more (DM_DAT4) or fructosamine instead of HbA1c (IFCCHBA)). -#}
{% macro _mh_health_check_elements() %}
    {%- set lipid_risk_factor -%}
        (
            {{ _mh_in_window('antipsychotic_date', 6) }}
            or cvd_date is not null
            or coalesce(is_current_smoker, false)
            or coalesce(latest_bmi_value >= {{ indicator_target('MH011', 'bmi_lipid_risk_min') }}, false)
        )
    {%- endset -%}
    {%- set elements = {
        'blood_pressure': {
            'received': _mh_in_window('latest_bp_date'),
            'reason': _mh_in_window('bp_declined_date'),
        },
        'bmi': {
            'received': _mh_in_window('bmi_date'),
            'reason': '(' ~ _mh_in_window('bmi_declined_date') ~ ' or ' ~ _mh_in_window('bmi_unsuitable_date') ~ ')',
        },
        'alcohol': {
            'received': _mh_in_window('alcohol_date'),
            'reason': _mh_in_window('alcohol_declined_date'),
        },
        'lipids': {
            'received': '(' ~ _mh_in_window('lipid_date') ~ ' or (not ' ~ lipid_risk_factor ~ ' and '
                ~ _mh_in_window('lipid_date', 24) ~ '))',
            'reason': _mh_in_window('cholesterol_declined_date'),
        },
        'glucose': {
            'received': '(' ~ _mh_in_window('hba1c_date') ~ ' or ' ~ _mh_in_window('glucose_date') ~ ')',
            'reason': '(' ~ _mh_in_window('glucose_declined_date') ~ ' or ' ~ _mh_diabetes_over_a_year()
                ~ ' or ' ~ _mh_fructosamine_instead_of_hba1c() ~ ')',
        },
        'smoking': {
            'received': 'coalesce(' ~ smok002_status_recorded() ~ ', false)',
            'reason': _mh_in_window('smoking_declined_date'),
        },
    } -%}
    {{ return(elements) }}
{% endmacro %}

{#- DM_DAT4: unresolved diabetes (on the DM register) diagnosed at least 12 months before the
    achievement date. -#}
{% macro _mh_diabetes_over_a_year() -%}
    (diabetes_diagnosis_date is not null and not {{ _mh_in_window('diabetes_diagnosis_date') }})
{%- endmacro %}

{#- IFCCHBA: no IFCC-HbA1c in the service year but serum fructosamine recorded in it. -#}
{% macro _mh_fructosamine_instead_of_hba1c() -%}
    (not {{ _mh_in_window('hba1c_date') }} and {{ _mh_in_window('fructosamine_date') }})
{%- endmacro %}

{#- The process-indicator cascade shared by MH002-MH012: MHREM_DAT and any indicator-specific
    exclusions, the numerator, indicator-specific leading PCAs (unsuitable / alternative test),
    MHPCAPU, indicator-specific declined PCAs, MHPCADEC, MHINVITE, DIAG1_DAT, REG1_DAT3. -#}
{% macro _mh_process_rules(numerator, exclusions=[], leading_pcas=[], declined_pcas=[]) %}
    {%- set rules = [{'outcome': 'excluded', 'reason': 'MHREM_DAT', 'when': 'is_in_remission'}] -%}
    {%- do rules.extend(exclusions) -%}
    {%- do rules.append({'outcome': 'numerator', 'when': numerator}) -%}
    {%- do rules.extend(leading_pcas) -%}
    {%- do rules.append({'outcome': 'pca', 'reason': 'MHPCAPU', 'when': _mh_in_window('unsuitable_date')}) -%}
    {%- do rules.extend(declined_pcas) -%}
    {%- do rules.extend([
        {'outcome': 'pca', 'reason': 'MHPCADEC', 'when': _mh_in_window('dissent_date')},
        {'outcome': 'pca', 'reason': 'MHINVITE', 'when': has_invitation_pair('invitation_dates')},
        {'outcome': 'pca', 'reason': 'DIAG1_DAT', 'when': _mh_in_window('diagnosis_date', 3)},
        {'outcome': 'pca', 'reason': 'REG1_DAT3', 'when': _mh_in_window('registration_date', 3)},
    ]) -%}
    {{ return(rules) }}
{% endmacro %}

{#- MH002: comprehensive care plan documented in the preceding 12 months. -#}
{% macro indicator__mh002() %}
    {{ qof_indicator_cascade(
        'MH002',
        ref('int_indicator_inputs__mental_health'),
        _mh_process_rules(_mh_in_window('care_plan_date'))
    ) }}
{% endmacro %}

{#- MH003: blood pressure recorded in the preceding 12 months (BPDEC). -#}
{% macro indicator__mh003() %}
    {%- set element = _mh_health_check_elements()['blood_pressure'] -%}
    {{ qof_indicator_cascade(
        'MH003',
        ref('int_indicator_inputs__mental_health'),
        _mh_process_rules(
            element.received,
            declined_pcas=[{'outcome': 'pca', 'reason': 'BPDEC', 'when': _mh_in_window('bp_declined_date')}]
        )
    ) }}
{% endmacro %}

{#- MH006: BMI recorded in the preceding 12 months (BMIPU, BMIDEC). -#}
{% macro indicator__mh006() %}
    {%- set element = _mh_health_check_elements()['bmi'] -%}
    {{ qof_indicator_cascade(
        'MH006',
        ref('int_indicator_inputs__mental_health'),
        _mh_process_rules(
            element.received,
            leading_pcas=[{'outcome': 'pca', 'reason': 'BMIPU', 'when': _mh_in_window('bmi_unsuitable_date')}],
            declined_pcas=[{'outcome': 'pca', 'reason': 'BMIDEC', 'when': _mh_in_window('bmi_declined_date')}]
        )
    ) }}
{% endmacro %}

{#- MH007: alcohol consumption recorded in the preceding 12 months (ALCDEC). -#}
{% macro indicator__mh007() %}
    {%- set element = _mh_health_check_elements()['alcohol'] -%}
    {{ qof_indicator_cascade(
        'MH007',
        ref('int_indicator_inputs__mental_health'),
        _mh_process_rules(
            element.received,
            declined_pcas=[{'outcome': 'pca', 'reason': 'ALCDEC', 'when': _mh_in_window('alcohol_declined_date')}]
        )
    ) }}
{% endmacro %}

{#- MH011: lipid profile in the preceding 12 months for patients on antipsychotics (issue in
    the preceding 6 months), with pre-existing CVD, current smokers or with a latest BMI at or
    over the MH011 bmi_lipid_risk_min target (23); in the preceding 24 months for the rest
    (CHOLDEC). -#}
{% macro indicator__mh011() %}
    {%- set element = _mh_health_check_elements()['lipids'] -%}
    {{ qof_indicator_cascade(
        'MH011',
        ref('int_indicator_inputs__mental_health'),
        _mh_process_rules(
            element.received,
            declined_pcas=[{'outcome': 'pca', 'reason': 'CHOLDEC', 'when': _mh_in_window('cholesterol_declined_date')}]
        )
    ) }}
{% endmacro %}

{#- MH012: blood glucose or HbA1c in the preceding 12 months; patients with diabetes diagnosed
    12 months or more before the achievement date are rejected (DM_DAT4); IFCCHBA, GLUCDEC. -#}
{% macro indicator__mh012() %}
    {%- set element = _mh_health_check_elements()['glucose'] -%}
    {{ qof_indicator_cascade(
        'MH012',
        ref('int_indicator_inputs__mental_health'),
        _mh_process_rules(
            element.received,
            exclusions=[{'outcome': 'excluded', 'reason': 'DM_DAT4', 'when': _mh_diabetes_over_a_year()}],
            leading_pcas=[{'outcome': 'pca', 'reason': 'IFCCHBA', 'when': _mh_fructosamine_instead_of_hba1c()}],
            declined_pcas=[{'outcome': 'pca', 'reason': 'GLUCDEC', 'when': _mh_in_window('glucose_declined_date')}]
        )
    ) }}
{% endmacro %}

{#- MH021: all six elements of the SMI physical health check received in the preceding 12
    months. Only MHREM_DAT and PHCSMIPCA apply: the PCA when every element not received has a
    valid reason (its own declined / unsuitable PCA, or the patient's MH informed dissent or
    unsuitable code in the preceding 12 months, which covers every element). -#}
{% macro indicator__mh021() %}
    {%- set elements = _mh_health_check_elements() -%}
    {%- set general_reason = '(' ~ _mh_in_window('unsuitable_date') ~ ' or ' ~ _mh_in_window('dissent_date') ~ ')' -%}
    {%- set received = [] -%}
    {%- set received_or_reason = [] -%}
    {%- for name, element in elements.items() -%}
        {%- do received.append(element.received) -%}
        {%- do received_or_reason.append(
            '(' ~ element.received ~ ' or ' ~ element.reason ~ ' or ' ~ general_reason ~ ')'
        ) -%}
    {%- endfor -%}
    {{ qof_indicator_cascade(
        'MH021',
        ref('int_indicator_inputs__mental_health'),
        [
            {'outcome': 'excluded', 'reason': 'MHREM_DAT', 'when': 'is_in_remission'},
            {'outcome': 'numerator', 'when': received | join(' and ')},
            {'outcome': 'pca', 'reason': 'PHCSMIPCA', 'when': received_or_reason | join(' and ')},
        ]
    ) }}
{% endmacro %}
