{#- Cholesterol indicator cascades (thresholds_and_rules.md 2.1, qof_rules.md 3.2).
    Population: patients on the CHD, PAD, STIA or CKD registers (int_indicator_inputs__cholesterol);
    CHOL002 and CHOL004 narrow it to CHD, PAD and STIA. No register indicator, no prevalence. -#}

{#- A statin is declined (12 months) or contraindicated (persisting, or expiring in 12 months). -#}
{% macro _cv_statin_unsuitable() -%}
    (
        coalesce({{ within_months('statin_declined_date', 12) }}, false)
        or {{ cv_contraindicated('statin_contra_persisting_date', 'statin_contra_expiring_date') }}
    )
{%- endmacro %}

{#- The lipid-lowering therapy cascade of CHOL001 / CHOL003 after the population exclusions:
    numerator a statin issued in the 6 months up to the achievement date, or another
    lipid-lowering therapy issued in those 6 months where a statin is declined or unsuitable;
    then the PCAs PALCARDAT2, CHOLMAX, LLTADV, LLTCONNIND, LLTDEC12M, OLLTCONDEC, REG1_DAT3
    (no invitation, general dissent or new-diagnosis PCA). -#}
{% macro _cv_lipid_therapy_rules() %}
    {%- set rules = [
        {'outcome': 'numerator',
            'when': within_months('statin_date', 6) ~ ' or (' ~ within_months('other_llt_date', 6)
                ~ ' and ' ~ _cv_statin_unsuitable() ~ ')'},
        {'outcome': 'pca', 'reason': 'PALCARDAT2', 'when': 'is_on_palliative_care_register'},
        {'outcome': 'pca', 'reason': 'CHOLMAX', 'when': within_months('cholmax_date', 12)},
        {'outcome': 'pca', 'reason': 'LLTADV', 'when': 'llt_adverse_reaction_date is not null'},
        {'outcome': 'pca', 'reason': 'LLTCONNIND', 'when': within_months('llt_contra_date', 12)},
        {'outcome': 'pca', 'reason': 'LLTDEC12M', 'when': within_months('llt_declined_date', 12)},
        {'outcome': 'pca', 'reason': 'OLLTCONDEC',
            'when': _cv_statin_unsuitable() ~ ' and coalesce(' ~ within_months('other_llt_unsuitable_date', 12) ~ ', false)'},
        {'outcome': 'pca', 'reason': 'REG1_DAT3', 'when': within_months('registration_date', 3)},
    ] -%}
    {{ return(rules) }}
{% endmacro %}

{#- Diabetes register patients with a history of CVD as the diabetes statin indicators define it
    (dm_cvd_history: CHD, any stroke, TIA, PAD or familial hypercholesterolaemia ever, or
    unresolved CKD stage 3-5; docs/assumptions.md DA1) are rejected (DMCVDEXC): they belong
    to DM023 / DM035 instead. -#}
{% macro _cv_dmcvdexc_rule() %}
    {{ return({'outcome': 'excluded', 'reason': 'DMCVDEXC',
        'when': 'is_on_diabetes_register and ' ~ dm_cvd_history()}) }}
{% endmacro %}

{#- CHOL001 (2023/24): on a statin, or another lipid-lowering therapy where a statin is declined
    or unsuitable. -#}
{% macro indicator__chol001() %}
    {{ qof_indicator_cascade(
        'CHOL001',
        ref('int_indicator_inputs__cholesterol'),
        [_cv_dmcvdexc_rule()] + _cv_lipid_therapy_rules()
    ) }}
{% endmacro %}

{#- CHOL003 (2024/25, 2025/26): CHOL001 with patients who have had a haemorrhagic stroke
    rejected (HSTRK). -#}
{% macro indicator__chol003() %}
    {{ qof_indicator_cascade(
        'CHOL003',
        ref('int_indicator_inputs__cholesterol'),
        [
            _cv_dmcvdexc_rule(),
            {'outcome': 'excluded', 'reason': 'HSTRK', 'when': 'haemorrhagic_stroke_date is not null'},
        ]
        + _cv_lipid_therapy_rules()
    ) }}
{% endmacro %}

{#- CHOL002 (2023/24): CHD, PAD or stroke/TIA; latest non-HDL cholesterol in the preceding 12
    months below non_hdl_below (2.5 mmol/L), or, with no non-HDL in the 12 months, latest LDL in
    them below ldl_below (1.8 mmol/L). PCAs CHOLDEC and REG1_DAT9 only. -#}
{% macro indicator__chol002() %}
    {%- set non_hdl_in_year = within_months('non_hdl_date', 12) -%}
    {{ qof_indicator_cascade(
        'CHOL002',
        ref('int_indicator_inputs__cholesterol'),
        [
            {'outcome': 'numerator',
                'when': '(' ~ non_hdl_in_year ~ ' and non_hdl_value < ' ~ indicator_target('CHOL002', 'non_hdl_below')
                    ~ ') or (not coalesce(' ~ non_hdl_in_year ~ ', false) and ' ~ within_months('ldl_date', 12)
                    ~ ' and ldl_value < ' ~ indicator_target('CHOL002', 'ldl_below') ~ ')'},
            {'outcome': 'pca', 'reason': 'CHOLDEC', 'when': within_months('cholesterol_declined_date', 12)},
            {'outcome': 'pca', 'reason': 'REG1_DAT9', 'when': within_months('registration_date', 9)},
        ],
        population_filter='is_on_chd_register or is_on_pad_register or is_on_stia_register'
    ) }}
{% endmacro %}

{#- CHOL004 (2024/25, 2025/26): CHD, PAD or non-haemorrhagic stroke/TIA (stroke/TIA patients
    whose only qualifying history is haemorrhagic are rejected, HSTRK); latest LDL cholesterol in
    the preceding 12 months at or below ldl_max (2.0 mmol/L), or, with no LDL in the 12 months,
    latest non-HDL in them at or below non_hdl_max (2.6 mmol/L). PCAs CHOLDEC and REG1_DAT9. -#}
{% macro indicator__chol004() %}
    {%- set ldl_in_year = within_months('ldl_date', 12) -%}
    {{ qof_indicator_cascade(
        'CHOL004',
        ref('int_indicator_inputs__cholesterol'),
        [
            {'outcome': 'excluded', 'reason': 'HSTRK',
                'when': 'not is_on_chd_register and not is_on_pad_register and not has_non_haemorrhagic_stroke_or_tia'},
            {'outcome': 'numerator',
                'when': '(' ~ ldl_in_year ~ ' and ldl_value <= ' ~ indicator_target('CHOL004', 'ldl_max')
                    ~ ') or (not coalesce(' ~ ldl_in_year ~ ', false) and ' ~ within_months('non_hdl_date', 12)
                    ~ ' and non_hdl_value <= ' ~ indicator_target('CHOL004', 'non_hdl_max') ~ ')'},
            {'outcome': 'pca', 'reason': 'CHOLDEC', 'when': within_months('cholesterol_declined_date', 12)},
            {'outcome': 'pca', 'reason': 'REG1_DAT9', 'when': within_months('registration_date', 9)},
        ],
        population_filter='is_on_chd_register or is_on_pad_register or is_on_stia_register'
    ) }}
{% endmacro %}
