{#- Non-diabetic hyperglycaemia indicator cascade (thresholds_and_rules.md 2.1). Population:
    the NDH register (int_indicator_inputs__non_diabetic_hyperglycaemia), which already leaves
    out patients on the diabetes register, so the NDHDMIFCC PCA has no one left to apply to and
    is not a rule here (docs/assumptions.md). -#}

{#- NDH002: an HbA1c or a fasting plasma glucose in the preceding 12 months. PCAs: unsuitable,
    blood glucose test declined, informed dissent, invitations, diagnosed or registered in the
    3 months. -#}
{% macro indicator__ndh002() %}
    {{ qof_indicator_cascade(
        'NDH002',
        ref('int_indicator_inputs__non_diabetic_hyperglycaemia'),
        [{'outcome': 'numerator', 'when':
            within_months('hba1c_date', 12) ~ ' or ' ~ within_months('fasting_glucose_date', 12)}]
        + resp_process_pca_rules(
            'NDHPU', 'NDHPCADEC', resp_invitation_rule('NDHINVITE'),
            declined_rules=[{'outcome': 'pca', 'reason': 'GLUCDEC', 'when': within_months('glucose_test_declined_date', 12)}]
        )
    ) }}
{% endmacro %}
