{#- Blood pressure public health indicator (thresholds_and_rules.md 2.1). Population: every
    GMS-registered patient (int_indicator_inputs__blood_pressure_public_health); no register. -#}

{#- BP002: aged 45 or over (younger patients rejected, PAT_AGEU45), a blood pressure recorded in
    the preceding 5 years; PCAs: BP declined in those 5 years (BPDEC1), registered in the last 3
    months. -#}
{% macro indicator__bp002() %}
    {{ qof_indicator_cascade(
        'BP002',
        ref('int_indicator_inputs__blood_pressure_public_health'),
        [
            {'outcome': 'excluded', 'reason': 'PAT_AGEU45', 'when': 'age < ' ~ indicator_target('BP002', 'age_min')},
            {'outcome': 'numerator', 'when': within_months('latest_bp_date', 60)},
            {'outcome': 'pca', 'reason': 'BPDEC1', 'when': within_months('bp_declined_date', 60)},
            {'outcome': 'pca', 'reason': 'REG1_DAT3', 'when': within_months('registration_date', 3)},
        ]
    ) }}
{% endmacro %}
