{#- Diabetes indicator cascades (thresholds_and_rules.md 2.1 and 2.2). Population: the DM
    register (int_indicator_inputs__diabetes). -#}

{#- HbA1c cascade of DM020 / DM021 (business rules R1-R10, thresholds_and_rules.md 2.2). -#}
{% macro _hba1c_rules(indicator_code, frailty_rule) %}
    {%- set meets = 'hba1c_value <= ' ~ indicator_target(indicator_code, 'hba1c_max_mmol_mol') -%}
    {%- set rules = [
        frailty_rule,
        {'outcome': 'numerator', 'when': within_months('hba1c_date', 12) ~ ' and ' ~ meets},
        {'outcome': 'pca', 'reason': 'IFCCHBA',
            'when': 'not coalesce(' ~ within_months('hba1c_date', 12) ~ ', false) and '
                ~ within_months('fructosamine_date', 12)},
        {'outcome': 'pca', 'reason': 'DMMAX', 'when': within_months('dmmax_date', 12)},
        {'outcome': 'pca', 'reason': 'DMPCAPU', 'when': within_months('unsuitable_date', 12)},
        {'outcome': 'pca', 'reason': 'BLDTESTDEC', 'when': within_months('blood_test_declined_date', 12)},
        {'outcome': 'pca', 'reason': 'DMPCADEC', 'when': within_months('dissent_date', 12)},
        {'outcome': 'pca', 'reason': 'DMIFINVITE',
            'when': outcome_invitation_pca('invitation_dates', 'hba1c_date', meets)},
        {'outcome': 'pca', 'reason': 'DIAG1_DT9M', 'when': within_months('diagnosis_date', 9)},
        {'outcome': 'pca', 'reason': 'REG1_DAT9', 'when': within_months('registration_date', 9)},
    ] -%}
    {{ return(rules) }}
{% endmacro %}

{#- DM020: without moderate or severe frailty, latest IFCC-HbA1c in the preceding 12 months
    at or below the DM020 target (58 mmol/mol). -#}
{% macro indicator__dm020() %}
    {{ qof_indicator_cascade(
        'DM020',
        ref('int_indicator_inputs__diabetes'),
        _hba1c_rules('DM020', {'outcome': 'excluded', 'reason': 'MDSEVFRAIL', 'when': 'is_moderately_or_severely_frail'})
    ) }}
{% endmacro %}

{#- DM021: with moderate or severe frailty, latest IFCC-HbA1c in the preceding 12 months at
    or below the DM021 target (75 mmol/mol). Patients without such frailty are rejected. -#}
{% macro indicator__dm021() %}
    {{ qof_indicator_cascade(
        'DM021',
        ref('int_indicator_inputs__diabetes'),
        _hba1c_rules('DM021', {'outcome': 'excluded', 'reason': 'NOTMDSEVFRAIL', 'when': 'not is_moderately_or_severely_frail'})
    ) }}
{% endmacro %}

{#- DM033 (2023/24, 2024/25): without moderate or severe frailty, latest BP in the preceding
    12 months at or below 140/90 (home 135/85); no age limit. -#}
{% macro indicator__dm033() %}
    {{ qof_indicator_cascade(
        'DM033',
        ref('int_indicator_inputs__diabetes'),
        bp_target_rules(
            'DM033',
            {'outcome': 'excluded', 'reason': 'MDSEVFRAIL', 'when': 'is_moderately_or_severely_frail'},
            'DMPCAPU', 'DMPCADEC', 'DMBPINVITE'
        )
    ) }}
{% endmacro %}

{#- DM036 (2025/26): as DM033, for patients aged 79 or under. -#}
{% macro indicator__dm036() %}
    {{ qof_indicator_cascade(
        'DM036',
        ref('int_indicator_inputs__diabetes'),
        [{'outcome': 'excluded', 'reason': 'PAT_AGEO79', 'when': 'age > ' ~ indicator_target('DM036', 'age_max')}]
        + bp_target_rules(
            'DM036',
            {'outcome': 'excluded', 'reason': 'MDSEVFRAIL', 'when': 'is_moderately_or_severely_frail'},
            'DMPCAPU', 'DMPCADEC', 'DMBPINVITE'
        )
    ) }}
{% endmacro %}
