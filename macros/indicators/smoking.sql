{#- Smoking indicator cascades (thresholds_and_rules.md 2.1). Population: every GMS patient
    (int_indicator_inputs__smoking), narrowed to those aged 15 or over (qof_indicators 15OV,
    the `age_min` target of each indicator). The long-term conditions come from int_registers
    (CHD, PAD, STIA, HYP, DM, COPD, CKD, AST, MH). -#}

{#- SMOK002's numerator for one patient: smoking status recorded in the preceding 12 months,
    or a latest smoking status of "never smoked" recorded on or after the patient's 25th
    birthday (the SMOK002 never_smoked_age_min target; recorded once is enough [R]). Reads
    the columns smoking_status_date, is_never_smoker, never_smoked_date and date_of_birth of
    int_indicator_inputs__smoking. MH021's smoking element is this same condition
    (docs/assumptions.md OA2). -#}
{% macro smok002_status_recorded() -%}
    (
        {{ within_months('smoking_status_date', 12) }}
        or (
            is_never_smoker
            and never_smoked_date >= cast(date_of_birth + to_years(cast(
                {{ indicator_target('SMOK002', 'never_smoked_age_min') }} as integer
            )) as date)
        )
    )
{%- endmacro %}

{#- SMOK002: patients with a listed long-term condition (the rest are rejected: CHDSMOK) with
    their smoking status recorded in the preceding 12 months, or whose latest smoking status is
    "never smoked" recorded on or after their 25th birthday (recorded once is enough [R]).
    PCAs: unsuitable, smoking status declined, informed dissent, invitations, condition
    diagnosed (the earliest listed condition) or registered in the 3 months. -#}
{% macro indicator__smok002() %}
    {{ qof_indicator_cascade(
        'SMOK002',
        ref('int_indicator_inputs__smoking'),
        [
            {'outcome': 'excluded', 'reason': 'CHDSMOK', 'when': 'not has_smoking_condition'},
            {'outcome': 'numerator', 'when': smok002_status_recorded()},
        ]
        + resp_process_pca_rules(
            'SMOKPCAPU', 'SMOKPCADEC', resp_invitation_rule('SMOKINVITE'),
            declined_rules=[{'outcome': 'pca', 'reason': 'SMOKSTDEC', 'when': within_months('smoking_status_declined_date', 12)}],
            diagnosis_column='condition_diagnosis_date'
        ),
        population_filter='age >= ' ~ indicator_target('SMOK002', 'age_min')
    ) }}
{% endmacro %}

{#- SMOK004: patients aged 15 or over whose latest smoking status is current smoker (the rest
    are rejected: CSMOK) with an offer of support and treatment (a referral to a stop smoking
    service or smoking cessation pharmacotherapy) in the preceding 24 months. PCAs:
    unsuitable, informed dissent, invitations, registered in the 3 months. -#}
{% macro indicator__smok004() %}
    {{ qof_indicator_cascade(
        'SMOK004',
        ref('int_indicator_inputs__smoking'),
        [
            {'outcome': 'excluded', 'reason': 'CSMOK', 'when': 'not is_current_smoker'},
            {'outcome': 'numerator', 'when': within_months('support_offer_date', 24)},
        ]
        + resp_process_pca_rules(
            'SMOKPCAPU', 'SMOKPCADEC', resp_invitation_rule('SMOKINVITE'), diagnosis_column=none
        ),
        population_filter='age >= ' ~ indicator_target('SMOK004', 'age_min')
    ) }}
{% endmacro %}

{#- SMOK005 (2023/24, 2024/25): current smokers with a listed long-term condition with an offer
    of support and treatment in the preceding 12 months. PCAs as SMOK002 without the declined
    status, condition diagnosed or registered in the 3 months. -#}
{% macro indicator__smok005() %}
    {{ qof_indicator_cascade(
        'SMOK005',
        ref('int_indicator_inputs__smoking'),
        [
            {'outcome': 'excluded', 'reason': 'CSMOK', 'when': 'not is_current_smoker'},
            {'outcome': 'numerator', 'when': within_months('support_offer_date', 12)},
        ]
        + resp_process_pca_rules(
            'SMOKPCAPU', 'SMOKPCADEC', resp_invitation_rule('SMOKINVITE'),
            diagnosis_column='condition_diagnosis_date'
        ),
        population_filter='has_smoking_condition and age >= ' ~ indicator_target('SMOK005', 'age_min')
    ) }}
{% endmacro %}
