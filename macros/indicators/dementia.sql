{#- Dementia indicator cascade (thresholds_and_rules.md 2.1). Population: the DEM register
    (int_indicator_inputs__dementia). -#}

{#- DEM004: dementia care plan reviewed (face to face) in the preceding 12 months; PCAs
    DEMPCAPU, DEMCPDEC, DEMPCADEC, DEMINVITE, DIAG1_DAT, REG1_DAT3 in that order. -#}
{% macro indicator__dem004() %}
    {{ qof_indicator_cascade(
        'DEM004',
        ref('int_indicator_inputs__dementia'),
        [
            {'outcome': 'numerator', 'when': within_months('care_plan_review_date', 12)},
            {'outcome': 'pca', 'reason': 'DEMPCAPU', 'when': within_months('unsuitable_date', 12)},
            {'outcome': 'pca', 'reason': 'DEMCPDEC', 'when': within_months('care_plan_declined_date', 12)},
            {'outcome': 'pca', 'reason': 'DEMPCADEC', 'when': within_months('dissent_date', 12)},
            {'outcome': 'pca', 'reason': 'DEMINVITE', 'when': has_invitation_pair('invitation_dates')},
            {'outcome': 'pca', 'reason': 'DIAG1_DAT', 'when': within_months('diagnosis_date', 3)},
            {'outcome': 'pca', 'reason': 'REG1_DAT3', 'when': within_months('registration_date', 3)},
        ]
    ) }}
{% endmacro %}
