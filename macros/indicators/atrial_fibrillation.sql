{#- Atrial fibrillation indicator cascades (thresholds_and_rules.md 2.1). Population: the AF
    register (int_indicator_inputs__atrial_fibrillation). The stroke risk score is the latest
    CHADS2 or CHA2DS2-VASc score with a value. -#}

{#- AF006: stroke risk assessed with CHA2DS2-VASc in the preceding 12 months. Patients whose
    latest CHADS2 / CHA2DS2-VASc score is at least stroke_risk_score_min (2) and was recorded
    12 months or more before the achievement date are rejected (CHAD_VAL2). -#}
{% macro indicator__af006() %}
    {{ qof_indicator_cascade(
        'AF006',
        ref('int_indicator_inputs__atrial_fibrillation'),
        [
            {'outcome': 'excluded', 'reason': 'CHAD_VAL2',
                'when': 'stroke_risk_score_date <= ' ~ months_before_pped(12)
                    ~ ' and stroke_risk_score_value >= ' ~ indicator_target('AF006', 'stroke_risk_score_min')},
            {'outcome': 'numerator', 'when': within_months('chadsvasc_date', 12)},
        ]
        + cv_process_pca_rules('AFIBPCAPU', 'AFIBPCADEC', 'AFIBINV1')
    ) }}
{% endmacro %}

{#- AF008: latest CHADS2 / CHA2DS2-VASc score at least stroke_risk_score_min (2), else rejected
    (CHADVASC). Numerator: a DOAC issued in the 6 months up to the achievement date, or a
    vitamin K antagonist issued in those 6 months where a DOAC is declined (12 months) or
    unsuitable (mechanical valve or antiphospholipid syndrome or DOAC contraindication anywhere,
    DOAC not indicated in 12 months). Then the specific PCAs (no general or invitation PCA):
    valve patients with a VKA contraindication or decline, DOAC unsuitable or declined with a
    VKA contraindication or decline, generic oral anticoagulant contraindication (persisting,
    then expiring) or decline, newly diagnosed, newly registered. -#}
{% macro indicator__af008() %}
    {%- set valve = 'mechanical_valve_date is not null' -%}
    {%- set vka_contra = 'vka_contra_date is not null' -%}
    {%- set vka_declined = within_months('vka_declined_date', 12) -%}
    {%- set doac_declined = within_months('doac_declined_date', 12) -%}
    {%- set doac_unsuitable = '(doac_contra_date is not null or antiphospholipid_date is not null or coalesce('
        ~ within_months('doac_not_indicated_date', 12) ~ ', false))' -%}
    {%- set not_valve = 'mechanical_valve_date is null' -%}
    {{ qof_indicator_cascade(
        'AF008',
        ref('int_indicator_inputs__atrial_fibrillation'),
        [
            {'outcome': 'excluded', 'reason': 'CHADVASC',
                'when': 'coalesce(stroke_risk_score_value < '
                    ~ indicator_target('AF008', 'stroke_risk_score_min') ~ ', true)'},
            {'outcome': 'numerator',
                'when': within_months('doac_date', 6) ~ ' or (' ~ within_months('vka_date', 6)
                    ~ ' and (' ~ valve ~ ' or coalesce(' ~ doac_declined ~ ', false) or ' ~ doac_unsuitable ~ '))'},
            {'outcome': 'pca', 'reason': 'VALVITKCON', 'when': valve ~ ' and ' ~ vka_contra},
            {'outcome': 'pca', 'reason': 'VALVITKDEC', 'when': valve ~ ' and ' ~ vka_declined},
            {'outcome': 'pca', 'reason': 'DOACXVITKC', 'when': not_valve ~ ' and ' ~ doac_unsuitable ~ ' and ' ~ vka_contra},
            {'outcome': 'pca', 'reason': 'DOACXVITKD', 'when': not_valve ~ ' and ' ~ doac_unsuitable ~ ' and ' ~ vka_declined},
            {'outcome': 'pca', 'reason': 'DOACDVITKC', 'when': not_valve ~ ' and ' ~ doac_declined ~ ' and ' ~ vka_contra},
            {'outcome': 'pca', 'reason': 'DOACDVITKD', 'when': not_valve ~ ' and ' ~ doac_declined ~ ' and ' ~ vka_declined},
            {'outcome': 'pca', 'reason': 'XGORANTICO', 'when': 'oac_contra_persisting_date is not null'},
            {'outcome': 'pca', 'reason': 'TXGORANTIC', 'when': within_months('oac_contra_expiring_date', 12)},
            {'outcome': 'pca', 'reason': 'GENORANTID', 'when': within_months('oac_declined_date', 12)},
            {'outcome': 'pca', 'reason': 'DIAG1_DAT', 'when': within_months('diagnosis_date', 3)},
            {'outcome': 'pca', 'reason': 'REG1_DAT3', 'when': within_months('registration_date', 3)},
        ]
    ) }}
{% endmacro %}
