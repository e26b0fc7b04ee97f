{#- Cancer indicator cascades (thresholds_and_rules.md 2.1 Cancer; PCA_REFERENCE field
    definitions). Population: the CAN register (int_indicator_inputs__cancer), where
    `diagnosis_date` is the most recent episode of cancer, `review_date` the first cancer care
    review on or after it and `support_date` the first support discussion (or cancer care
    review) on or after it. -#}

{#- The general cancer PCAs in order: unsuitable, informed dissent, two invitations at least
    7 days apart, newly diagnosed and newly registered in the preceding 3 months. -#}
{% macro _cancer_pca_rules() %}
    {%- set rules = [
        {'outcome': 'pca', 'reason': 'CANPCAPU', 'when': within_months('unsuitable_date', 12)},
        {'outcome': 'pca', 'reason': 'CANPCADEC', 'when': within_months('dissent_date', 12)},
        {'outcome': 'pca', 'reason': 'CANINVITE', 'when': has_invitation_pair('invitation_dates')},
        {'outcome': 'pca', 'reason': 'DIAG1_DAT', 'when': within_months('diagnosis_date', 3)},
        {'outcome': 'pca', 'reason': 'REG1_DAT3', 'when': within_months('registration_date', 3)},
    ] -%}
    {{ return(rules) }}
{% endmacro %}

{#- CAN004: cancer diagnosed in the preceding 24 months with a cancer care review recorded
    within 12 months of the diagnosis. Excluded: diagnosed more than 24 months before PPED
    (CAN_DAT24M); the review was recorded more than 12 months before PPED, so it counted in an
    earlier year (MDRV_DAT); diagnosed in the preceding 12 months and not reviewed yet
    (DIAGCRV12M). -#}
{% macro indicator__can004() %}
    {%- set review_window = 'to_months(cast(' ~ indicator_target('CAN004', 'review_max_months_after_diagnosis')
        ~ ' as integer))' -%}
    {{ qof_indicator_cascade(
        'CAN004',
        ref('int_indicator_inputs__cancer'),
        [
            {'outcome': 'excluded', 'reason': 'CAN_DAT24M',
                'when': 'not coalesce(' ~ within_months('diagnosis_date', 24) ~ ', false)'},
            {'outcome': 'excluded', 'reason': 'MDRV_DAT',
                'when': 'review_date <= ' ~ months_before_pped(12)},
            {'outcome': 'excluded', 'reason': 'DIAGCRV12M',
                'when': within_months('diagnosis_date', 12) ~ ' and review_date is null'},
            {'outcome': 'numerator',
                'when': 'review_date <= cast(diagnosis_date + ' ~ review_window ~ ' as date)'},
        ] + _cancer_pca_rules()
    ) }}
{% endmacro %}

{#- CAN005: cancer diagnosed in the preceding 12 months (15 months, so patients diagnosed in the
    last 3 months of the previous year are counted now) with a discussion of the support
    available from primary care within 3 months (93 days) of diagnosis. Excluded: diagnosed
    more than 15 months before PPED (CANDAT15M); support information given at least 12 months
    before PPED, so it counted in an earlier year (CANSUP12M); diagnosed in the preceding 3
    months and no support information yet (DIAGCSUP3M). -#}
{% macro indicator__can005() %}
    {%- set support_window = 'to_days(cast(' ~ indicator_target('CAN005', 'support_max_days_after_diagnosis')
        ~ ' as integer))' -%}
    {{ qof_indicator_cascade(
        'CAN005',
        ref('int_indicator_inputs__cancer'),
        [
            {'outcome': 'excluded', 'reason': 'CANDAT15M',
                'when': 'not coalesce(' ~ within_months('diagnosis_date', 15) ~ ', false)'},
            {'outcome': 'excluded', 'reason': 'CANSUP12M',
                'when': 'support_date <= ' ~ months_before_pped(12)},
            {'outcome': 'excluded', 'reason': 'DIAGCSUP3M',
                'when': within_months('diagnosis_date', 3) ~ ' and support_date is null'},
            {'outcome': 'numerator',
                'when': 'support_date <= cast(diagnosis_date + ' ~ support_window ~ ' as date)'},
        ] + _cancer_pca_rules()
    ) }}
{% endmacro %}
