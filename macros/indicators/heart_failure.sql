{#- Heart failure indicator cascades (thresholds_and_rules.md 2.1). Population: the HF register
    (int_indicator_inputs__heart_failure). HF003 and HF006 apply to heart failure due to left
    ventricular systolic dysfunction or with reduced ejection fraction; other HF patients are
    rejected with the warehouse reason NOTLVSD. -#}

{#- ACE inhibitor / ARB cascade tail of DM006 and HF003 (docs/assumptions.md DA4
    R2-R10): numerator an ACE-I or ARB issued in the 6 months up to the achievement date;
    XACE (both classes contraindicated, each persisting or expiring in the 12 months), the
    area's unsuitable PCA, ACEDEC (both classes declined in the 12 months), XACEARBDEC (each
    class contraindicated or declined), then the area's informed dissent, invitations, newly
    diagnosed and newly registered. Declining or contraindicating one class alone is no PCA. -#}
{% macro cv_ace_arb_rules(unsuitable_reason, dissent_reason, invitation_reason) %}
    {%- set ace_contra = cv_contraindicated('ace_contra_persisting_date', 'ace_contra_expiring_date') -%}
    {%- set arb_contra = cv_contraindicated('arb_contra_persisting_date', 'arb_contra_expiring_date') -%}
    {%- set ace_declined = 'coalesce(' ~ within_months('ace_declined_date', 12) ~ ', false)' -%}
    {%- set arb_declined = 'coalesce(' ~ within_months('arb_declined_date', 12) ~ ', false)' -%}
    {%- set rules = [{'outcome': 'numerator', 'when': within_months('acei_arb_date', 6)}] -%}
    {%- do rules.extend(cv_process_pca_rules(
        unsuitable_reason, dissent_reason, invitation_reason,
        contraindication_rules=[{'outcome': 'pca', 'reason': 'XACE', 'when': ace_contra ~ ' and ' ~ arb_contra}],
        declined_rules=[
            {'outcome': 'pca', 'reason': 'ACEDEC', 'when': ace_declined ~ ' and ' ~ arb_declined},
            {'outcome': 'pca', 'reason': 'XACEARBDEC',
                'when': '(' ~ ace_contra ~ ' or ' ~ ace_declined ~ ') and (' ~ arb_contra ~ ' or ' ~ arb_declined ~ ')'},
        ]
    )) -%}
    {{ return(rules) }}
{% endmacro %}

{#- Dates of `dates_column` (a list) after `start_column` and within `months` of it. -#}
{% macro _cv_dates_within_months_after(dates_column, start_column, months, inclusive_start=true) -%}
    len(list_filter(
        coalesce({{ dates_column }}, []),
        event_date -> event_date {{ '>=' if inclusive_start else '>' }} {{ start_column }}
        and event_date <= cast({{ start_column }} + interval '{{ months }} months' as date)
    )) > 0
{%- endmacro %}

{#- HF003: HF due to LVSD, currently treated with an ACE inhibitor or ARB. -#}
{% macro indicator__hf003() %}
    {{ qof_indicator_cascade(
        'HF003',
        ref('int_indicator_inputs__heart_failure'),
        [{'outcome': 'excluded', 'reason': 'NOTLVSD', 'when': 'lvsd_date is null'}]
        + cv_ace_arb_rules('HFPCAPU', 'HFPCADEC', 'HFINVITE')
    ) }}
{% endmacro %}

{#- HF006: HF due to LVSD, currently treated with a beta-blocker licensed for heart failure (an
    issue in the 6 months). PCAs: persisting (XLBB) or expiring (TXLBB) contraindication, HF
    care unsuitable, an unlicensed beta-blocker issued in the 6 months (ULBB), declined (LBBDEC),
    then the general PCAs. -#}
{% macro indicator__hf006() %}
    {{ qof_indicator_cascade(
        'HF006',
        ref('int_indicator_inputs__heart_failure'),
        [
            {'outcome': 'excluded', 'reason': 'NOTLVSD', 'when': 'lvsd_date is null'},
            {'outcome': 'numerator', 'when': within_months('licensed_beta_blocker_date', 6)},
        ]
        + cv_process_pca_rules(
            'HFPCAPU', 'HFPCADEC', 'HFINVITE',
            contraindication_rules=[
                {'outcome': 'pca', 'reason': 'XLBB', 'when': 'beta_blocker_contra_persisting_date is not null'},
                {'outcome': 'pca', 'reason': 'TXLBB', 'when': within_months('beta_blocker_contra_expiring_date', 12)},
            ],
            declined_rules=[
                {'outcome': 'pca', 'reason': 'ULBB', 'when': within_months('unlicensed_beta_blocker_date', 6)},
                {'outcome': 'pca', 'reason': 'LBBDEC', 'when': within_months('beta_blocker_declined_date', 12)},
            ]
        )
    ) }}
{% endmacro %}

{#- HF007: a heart failure review in the preceding 12 months. -#}
{% macro indicator__hf007() %}
    {{ qof_indicator_cascade(
        'HF007',
        ref('int_indicator_inputs__heart_failure'),
        [{'outcome': 'numerator', 'when': within_months('hf_review_date', 12)}]
        + cv_process_pca_rules(
            'HFPCAPU', 'HFPCADEC', 'HFINVITE',
            declined_rules=[
                {'outcome': 'pca', 'reason': 'MEDRVWDEC', 'when': within_months('medication_review_declined_date', 12)},
            ]
        )
    ) }}
{% endmacro %}

{#- HF008: diagnosed in the service year (the diagnosis date of the current episode in the 12
    months up to the achievement date; earlier diagnoses are rejected with DIAG_DATyy, yy the
    service year's start), confirmed by an echocardiogram or specialist assessment in the 6
    months up to the diagnosis date, or, for patients diagnosed before registering, within 6
    months on or after registration. PCAs: echocardiogram unsuitable (ECPUSP6) or HF care
    unsuitable (HFPCAPU6) within 6 months of registration for those diagnosed before
    registering, registered in the last 6 months with no echocardiogram since (REG6_ECOG), on
    the palliative care register (PALCARDAT2), newly diagnosed, newly registered. -#}
{% macro indicator__hf008() %}
    {%- set diagnosed_before_registering = 'diagnosis_date < registration_date' -%}
    {{ qof_indicator_cascade(
        'HF008',
        ref('int_indicator_inputs__heart_failure'),
        [
            {'outcome': 'excluded', 'reason': 'DIAG_DAT' ~ var('qof_year')[2:4],
                'when': 'diagnosis_date <= ' ~ months_before_pped(12)},
            {'outcome': 'numerator',
                'when': 'len(list_filter(coalesce(echo_dates, []), event_date -> event_date > '
                    ~ 'cast(diagnosis_date - interval \'6 months\' as date) and event_date <= diagnosis_date)) > 0'
                    ~ ' or (' ~ diagnosed_before_registering ~ ' and '
                    ~ _cv_dates_within_months_after('echo_dates', 'registration_date', 6) ~ ')'},
            {'outcome': 'pca', 'reason': 'ECPUSP6',
                'when': diagnosed_before_registering ~ ' and '
                    ~ _cv_dates_within_months_after('echo_unsuitable_dates', 'registration_date', 6)},
            {'outcome': 'pca', 'reason': 'HFPCAPU6',
                'when': diagnosed_before_registering ~ ' and '
                    ~ _cv_dates_within_months_after('unsuitable_dates', 'registration_date', 6)},
            {'outcome': 'pca', 'reason': 'REG6_ECOG',
                'when': diagnosed_before_registering ~ ' and ' ~ within_months('registration_date', 6)
                    ~ ' and len(list_filter(coalesce(echo_dates, []), event_date -> event_date >= registration_date)) = 0'},
            {'outcome': 'pca', 'reason': 'PALCARDAT2', 'when': 'is_on_palliative_care_register'},
            {'outcome': 'pca', 'reason': 'DIAG1_DAT', 'when': within_months('diagnosis_date', 3)},
            {'outcome': 'pca', 'reason': 'REG1_DAT3', 'when': within_months('registration_date', 3)},
        ]
    ) }}
{% endmacro %}
