{#- Diabetes process indicator cascades (thresholds_and_rules.md 2.1): DM006, DM012, DM014 and
    the statin indicators DM022 / DM023 (2023/24, 2024/25) and DM034 / DM035 (2025/26).
    Population: the DM register (int_indicator_inputs__diabetes). -#}

{#- Dates of `dates_column` (a list) on or after `start_column` and at most `days` days after it. -#}
{% macro _cv_dates_within_days_after(dates_column, start_column, days) -%}
    len(list_filter(
        coalesce({{ dates_column }}, []),
        event_date -> event_date >= {{ start_column }}
        and event_date <= cast({{ start_column }} + interval '{{ days }} days' as date)
    )) > 0
{%- endmacro %}

{#- The statin cascade tail of DM022 / DM023 / DM034 / DM035: numerator a statin issued in the 6
    months up to the achievement date; PCAs maximum tolerated lipid-lowering treatment (CHOLMAX,
    12 months), persisting (XSTAT) or expiring (TXSTAT, 12 months) statin contraindication,
    diabetes care unsuitable, statin declined (STATINDEC, 12 months), then the diabetes general
    PCAs. -#}
{% macro _cv_statin_rules() %}
    {%- set rules = [{'outcome': 'numerator', 'when': within_months('statin_date', 6)}] -%}
    {%- do rules.extend(cv_process_pca_rules(
        'DMPCAPU', 'DMPCADEC', 'DMINVITE',
        contraindication_rules=[
            {'outcome': 'pca', 'reason': 'CHOLMAX', 'when': within_months('cholmax_date', 12)},
            {'outcome': 'pca', 'reason': 'XSTAT', 'when': 'statin_contra_persisting_date is not null'},
            {'outcome': 'pca', 'reason': 'TXSTAT', 'when': within_months('statin_contra_expiring_date', 12)},
        ],
        declined_rules=[{'outcome': 'pca', 'reason': 'STATINDEC', 'when': within_months('statin_declined_date', 12)}]
    )) -%}
    {{ return(rules) }}
{% endmacro %}

{#- Primary prevention statin rules of DM022 / DM034: aged under age_min (40) rejected
    (PAT_AGEU39), a history of CVD rejected (CVDHIST), moderate or severe frailty rejected
    (MDSEVFRAIL), latest diabetes type 2 with the latest CVD risk score in the 36 months below
    cvd_risk_score_min (10%) rejected (DMTYPE2), then the statin cascade. -#}
{% macro _cv_primary_prevention_statin_rules(indicator_code) %}
    {%- set rules = [
        {'outcome': 'excluded', 'reason': 'PAT_AGEU39', 'when': 'age < ' ~ indicator_target(indicator_code, 'age_min')},
        {'outcome': 'excluded', 'reason': 'CVDHIST', 'when': 'cvd_history_date is not null'},
        {'outcome': 'excluded', 'reason': 'MDSEVFRAIL', 'when': 'is_moderately_or_severely_frail'},
        {'outcome': 'excluded', 'reason': 'DMTYPE2',
            'when': "latest_diabetes_type_cluster = 'DMTYPE2_COD' and " ~ within_months('cvd_risk_score_date', 36)
                ~ ' and cvd_risk_score_value < ' ~ indicator_target(indicator_code, 'cvd_risk_score_min')},
    ] -%}
    {%- do rules.extend(_cv_statin_rules()) -%}
    {{ return(rules) }}
{% endmacro %}

{#- Secondary prevention statin rules of DM023 / DM035: no history of CVD (CHD, PAD,
    non-haemorrhagic stroke or TIA) rejected (CVDNOHIST), a haemorrhagic stroke rejected (HSTRK),
    then the statin cascade. -#}
{% macro _cv_secondary_prevention_statin_rules() %}
    {%- set rules = [
        {'outcome': 'excluded', 'reason': 'CVDNOHIST', 'when': 'cvd_history_date is null'},
        {'outcome': 'excluded', 'reason': 'HSTRK', 'when': 'haemorrhagic_stroke_date is not null'},
    ] -%}
    {%- do rules.extend(_cv_statin_rules()) -%}
    {{ return(rules) }}
{% endmacro %}

{#- DM006: with nephropathy (proteinuria) or micro-albuminuria (patients with neither code are
    rejected, PRT_COD), currently treated with an ACE inhibitor or ARB. -#}
{% macro indicator__dm006() %}
    {{ qof_indicator_cascade(
        'DM006',
        ref('int_indicator_inputs__diabetes'),
        [{'outcome': 'excluded', 'reason': 'PRT_COD', 'when': 'proteinuria_date is null'}]
        + cv_ace_arb_rules('DMPCAPU', 'DMPCADEC', 'DMINVITE')
    ) }}
{% endmacro %}

{#- DM012: a foot examination with risk classification in the preceding 12 months. Patients
    with both feet amputated are rejected (AMPR3_DAT). PCAs: foot examination or neuropathy
    testing unsuitable, diabetes care unsuitable, foot examination or neuropathy testing
    declined, then the diabetes general PCAs. -#}
{% macro indicator__dm012() %}
    {{ qof_indicator_cascade(
        'DM012',
        ref('int_indicator_inputs__diabetes'),
        [
            {'outcome': 'excluded', 'reason': 'AMPR3_DAT',
                'when': 'left_foot_amputation_date is not null and right_foot_amputation_date is not null'},
            {'outcome': 'numerator', 'when': within_months('foot_exam_date', 12)},
        ]
        + cv_process_pca_rules(
            'DMPCAPU', 'DMPCADEC', 'DMINVITE',
            contraindication_rules=[
                {'outcome': 'pca', 'reason': 'FEPU', 'when': within_months('foot_exam_unsuitable_date', 12)},
                {'outcome': 'pca', 'reason': 'NPTPU', 'when': within_months('neuropathy_test_unsuitable_date', 12)},
            ],
            declined_rules=[
                {'outcome': 'pca', 'reason': 'FEDEC', 'when': within_months('foot_exam_declined_date', 12)},
                {'outcome': 'pca', 'reason': 'NPTDEC', 'when': within_months('neuropathy_test_declined_date', 12)},
            ]
        )
    ) }}
{% endmacro %}

{#- DM014: diagnosed in the 21 months up to the achievement date (earlier: DM_DAT2), not
    referred to structured education before the 12 months (DSEP_DAT); numerator a referral on
    or after the diagnosis date and within 9 months of it; diagnosed in the last 9 months and not
    yet referred: rejected (DM_DAT3). PCAs: service unavailable (DSEPSU) in the 279 days after
    diagnosis, referral unsuitable (DSEPPU, 12 months), diabetes care unsuitable, referral
    declined (DSEPDEC) in the 279 days after diagnosis, then the diabetes general PCAs. -#}
{% macro indicator__dm014() %}
    {{ qof_indicator_cascade(
        'DM014',
        ref('int_indicator_inputs__diabetes'),
        [
            {'outcome': 'excluded', 'reason': 'DM_DAT2', 'when': 'diagnosis_date <= ' ~ months_before_achievement(21)},
            {'outcome': 'excluded', 'reason': 'DSEP_DAT',
                'when': 'first_education_referral_date <= ' ~ months_before_achievement(12)},
            {'outcome': 'numerator', 'when': _cv_dates_within_months_after('education_referral_dates', 'diagnosis_date', 9)},
            {'outcome': 'excluded', 'reason': 'DM_DAT3', 'when': within_months('diagnosis_date', 9)},
        ]
        + cv_process_pca_rules(
            'DMPCAPU', 'DMPCADEC', 'DMINVITE',
            contraindication_rules=[
                {'outcome': 'pca', 'reason': 'DSEPSU',
                    'when': _cv_dates_within_days_after('education_unavailable_dates', 'diagnosis_date', 279)},
                {'outcome': 'pca', 'reason': 'DSEPPU', 'when': within_months('education_unsuitable_date', 12)},
            ],
            declined_rules=[
                {'outcome': 'pca', 'reason': 'DSEPDEC',
                    'when': _cv_dates_within_days_after('education_declined_dates', 'diagnosis_date', 279)},
            ]
        )
    ) }}
{% endmacro %}

{#- DM022 (2023/24, 2024/25): aged 40 or over, no CVD history, not moderately or severely frail,
    excluding type 2 diabetes with a low CVD risk score: currently treated with a statin. -#}
{% macro indicator__dm022() %}
    {{ qof_indicator_cascade('DM022', ref('int_indicator_inputs__diabetes'), _cv_primary_prevention_statin_rules('DM022')) }}
{% endmacro %}

{#- DM034 (2025/26): the successor of DM022, same rules. -#}
{% macro indicator__dm034() %}
    {{ qof_indicator_cascade('DM034', ref('int_indicator_inputs__diabetes'), _cv_primary_prevention_statin_rules('DM034')) }}
{% endmacro %}

{#- DM023 (2023/24, 2024/25): with a history of CVD, excluding haemorrhagic stroke: currently
    treated with a statin. -#}
{% macro indicator__dm023() %}
    {{ qof_indicator_cascade('DM023', ref('int_indicator_inputs__diabetes'), _cv_secondary_prevention_statin_rules()) }}
{% endmacro %}

{#- DM035 (2025/26): the successor of DM023, same rules. -#}
{% macro indicator__dm035() %}
    {{ qof_indicator_cascade('DM035', ref('int_indicator_inputs__diabetes'), _cv_secondary_prevention_statin_rules()) }}
{% endmacro %}
