{#- Diabetes process indicator cascades (docs/assumptions.md DA1-DA5): DM006, DM012, DM014
    and the statin indicators DM022 / DM023 (2023/24, 2024/25) and DM034 / DM035 (2025/26).
    Population: the DM register (int_indicator_inputs__diabetes). -#}

{#- A date of `dates_column` (a list) on or after `start_column` and at most `days` days after
    it (`days` a SQL integer expression, compared outside the list lambda): the earliest date on
    or after the start is within the days. -#}
{% macro _cv_dates_within_days_after(dates_column, start_column, days) -%}
    coalesce(
        list_min(list_filter(coalesce({{ dates_column }}, []), event_date -> event_date >= {{ start_column }}))
        <= {{ start_column }} + {{ days }},
        false
    )
{%- endmacro %}

{#- A history of cardiovascular disease as DM022 R2 (CVDHIST) and DM023 R1 (CVDNOHIST) define
    it (docs/assumptions.md DA1): a CHD, stroke (any, haemorrhagic included), TIA, PAD or
    familial hypercholesterolaemia code ever (cvd_history_date), or CKD stage 3-5 whose latest
    code (ckd_date) is not followed by a later stage 1-2 or CKD resolved code
    (ckd_resolved_date). A superseding code on the day of the latest stage 3-5 code follows the
    resolved_same_day_policy var like the CKD register (by default it does not supersede,
    docs/assumptions.md A1). Also the DMCVDEXC exclusion of CHOL001 / CHOL003. -#}
{% macro dm_cvd_history() -%}
    (
        cvd_history_date is not null
        or (
            ckd_date is not null
            and not coalesce({{ resolves_diagnosis('ckd_resolved_date', 'ckd_date') }}, false)
        )
    )
{%- endmacro %}

{#- The statin cascade tail of DM022 / DM023 / DM034 / DM035: numerator a statin issued in the 6
    months up to the achievement date; PCAs maximum tolerated lipid-lowering treatment (CHOLMAX,
    12 months), persisting (XSTAT) or expiring (TXSTAT, 12 months) statin contraindication,
    diabetes care unsuitable, statin declined (STATINDEC, 12 months), then the diabetes general
    PCAs (docs/assumptions.md DA1). -#}
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

{#- Primary prevention statin rules of DM022 / DM034 (docs/assumptions.md DA1-DA2): aged
    under age_min (40) rejected (PAT_AGEU39), a history of CVD rejected (CVDHIST), moderate or
    severe frailty rejected (MDSEVFRAIL), then DMTYPE2: the latest diabetes code is a type 2 code
    (DMTYPE2_DAT = DMLAT_DAT) and the latest CVD risk score (CVDASS2_COD) dated in the 36 months
    up to the achievement date is below cvd_risk_score_min (10%). Taking the lowest score of
    the latest scored date, this is the rule's "a score below 10% in the 3 years and no score of
    10% or more after it" (docs/assumptions.md DA2). Then the statin cascade. -#}
{% macro _cv_primary_prevention_statin_rules(indicator_code) %}
    {%- set rules = [
        {'outcome': 'excluded', 'reason': 'PAT_AGEU39', 'when': 'age < ' ~ indicator_target(indicator_code, 'age_min')},
        {'outcome': 'excluded', 'reason': 'CVDHIST', 'when': dm_cvd_history()},
        {'outcome': 'excluded', 'reason': 'MDSEVFRAIL', 'when': 'is_moderately_or_severely_frail'},
        {'outcome': 'excluded', 'reason': 'DMTYPE2',
            'when': 'diabetes_type2_date = latest_diabetes_date and ' ~ within_months_of_achievement('cvd_risk_score_date', 36)
                ~ ' and cvd_risk_score_value < ' ~ indicator_target(indicator_code, 'cvd_risk_score_min')},
    ] -%}
    {%- do rules.extend(_cv_statin_rules()) -%}
    {{ return(rules) }}
{% endmacro %}

{#- Secondary prevention statin rules of DM023 / DM035 (docs/assumptions.md DA1): no
    history of CVD rejected (CVDNOHIST), a haemorrhagic stroke ever rejected (HSTRK), then the
    statin cascade. -#}
{% macro _cv_secondary_prevention_statin_rules() %}
    {%- set rules = [
        {'outcome': 'excluded', 'reason': 'CVDNOHIST', 'when': 'not ' ~ dm_cvd_history()},
        {'outcome': 'excluded', 'reason': 'HSTRK', 'when': 'haemorrhagic_stroke_date is not null'},
    ] -%}
    {%- do rules.extend(_cv_statin_rules()) -%}
    {{ return(rules) }}
{% endmacro %}

{#- DM006: with nephropathy (proteinuria) or micro-albuminuria (patients with neither code are
    rejected, PRT_COD), currently treated with an ACE inhibitor or ARB (docs/assumptions.md
    DA4; the ACE-I / ARB rules are cv_ace_arb_rules). -#}
{% macro indicator__dm006() %}
    {{ qof_indicator_cascade(
        'DM006',
        ref('int_indicator_inputs__diabetes'),
        [{'outcome': 'excluded', 'reason': 'PRT_COD', 'when': 'proteinuria_date is null'}]
        + cv_ace_arb_rules('DMPCAPU', 'DMPCADEC', 'DMINVITE')
    ) }}
{% endmacro %}

{#- DM012 (docs/assumptions.md DA3): numerator a foot risk classification code
    (FRC_COD) in the preceding 12 months; then patients with both feet absent (amputated or
    congenitally absent, right and left, any date) are rejected (AMPR3_DAT), after the
    numerator so a classified patient still counts; PCAs neuropathy testing unsuitable (NPTPU),
    foot examination unsuitable (FEPU), diabetes care unsuitable, neuropathy testing declined
    (NPTDEC), foot examination declined (FEDEC), then the diabetes general PCAs. -#}
{% macro indicator__dm012() %}
    {{ qof_indicator_cascade(
        'DM012',
        ref('int_indicator_inputs__diabetes'),
        [
            {'outcome': 'numerator', 'when': within_months('foot_risk_classification_date', 12)},
            {'outcome': 'excluded', 'reason': 'AMPR3_DAT',
                'when': 'left_foot_absent_date is not null and right_foot_absent_date is not null'},
        ]
        + cv_process_pca_rules(
            'DMPCAPU', 'DMPCADEC', 'DMINVITE',
            contraindication_rules=[
                {'outcome': 'pca', 'reason': 'NPTPU', 'when': within_months('neuropathy_test_unsuitable_date', 12)},
                {'outcome': 'pca', 'reason': 'FEPU', 'when': within_months('foot_exam_unsuitable_date', 12)},
            ],
            declined_rules=[
                {'outcome': 'pca', 'reason': 'NPTDEC', 'when': within_months('neuropathy_test_declined_date', 12)},
                {'outcome': 'pca', 'reason': 'FEDEC', 'when': within_months('foot_exam_declined_date', 12)},
            ]
        )
    ) }}
{% endmacro %}

{#- DM014 (docs/assumptions.md DA5), with DM_DAT the earliest diabetes code ever
    (diagnosis_date) and DSEP_DAT the earliest referral to structured education on or after it
    (education_referral_date):
      R1 DIAG_DAT13  diagnosed before `diagnosis_start_date` (1 April 2013): rejected;
      R2 DM_DAT2     diagnosed on or before PPED - 21 months: rejected;
      R3 DM_DAT3     diagnosed in the 9 months and not yet referred: rejected (counted next year);
      R4 DSEP_DAT    referred on or before PPED - 12 months (counted in an earlier year): rejected;
      R5 numerator   referred at most referral_max_days (279) days after the diagnosis;
      R6 DSEPSU      service unavailable coded in [DM_DAT, DM_DAT + 279 days];
      R7 DSEPPU      referral unsuitable in the 12 months;
      R8 DMPCAPU, R9 DSEPDEC (declined in [DM_DAT, DM_DAT + 279 days]), then DMPCADEC,
      DMINVITE, DIAG1_DAT and REG1_DAT3. -#}
{% macro indicator__dm014(diagnosis_start_date='2013-04-01') %}
    {%- set referral_max_days = 'cast(' ~ indicator_target('DM014', 'referral_max_days') ~ ' as integer)' -%}
    {{ qof_indicator_cascade(
        'DM014',
        ref('int_indicator_inputs__diabetes'),
        [
            {'outcome': 'excluded', 'reason': 'DIAG_DAT13', 'when': "diagnosis_date < date '" ~ diagnosis_start_date ~ "'"},
            {'outcome': 'excluded', 'reason': 'DM_DAT2', 'when': 'diagnosis_date <= ' ~ months_before_pped(21)},
            {'outcome': 'excluded', 'reason': 'DM_DAT3',
                'when': within_months('diagnosis_date', 9) ~ ' and education_referral_date is null'},
            {'outcome': 'excluded', 'reason': 'DSEP_DAT',
                'when': 'education_referral_date <= ' ~ months_before_pped(12)},
            {'outcome': 'numerator', 'when': 'education_referral_date <= diagnosis_date + ' ~ referral_max_days},
        ]
        + cv_process_pca_rules(
            'DMPCAPU', 'DMPCADEC', 'DMINVITE',
            contraindication_rules=[
                {'outcome': 'pca', 'reason': 'DSEPSU',
                    'when': _cv_dates_within_days_after('education_unavailable_dates', 'diagnosis_date', referral_max_days)},
                {'outcome': 'pca', 'reason': 'DSEPPU', 'when': within_months('education_unsuitable_date', 12)},
            ],
            declined_rules=[
                {'outcome': 'pca', 'reason': 'DSEPDEC',
                    'when': _cv_dates_within_days_after('education_declined_dates', 'diagnosis_date', referral_max_days)},
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
