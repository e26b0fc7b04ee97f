{#- Coronary heart disease indicator cascades (thresholds_and_rules.md 2.1 and 2.3). Population:
    the CHD register (int_indicator_inputs__coronary_heart_disease). -#}

{#- The PCA tail of a process indicator (thresholds_and_rules.md 2.0 q4): the indicator's
    contraindication-type rules, the area's unsuitable PCA, its declined-item rules, the
    area's informed dissent, two invitations at least `invitation_min_gap_days` apart in the
    12 months, then diagnosed and registered in the 3 months up to the achievement date.
    Reads the inputs columns unsuitable_date, dissent_date, invitation_dates, diagnosis_date and
    registration_date. Shared by the CV and diabetes process indicators. -#}
{% macro cv_process_pca_rules(unsuitable_reason, dissent_reason, invitation_reason, contraindication_rules=[], declined_rules=[]) %}
    {%- set rules = [] -%}
    {%- do rules.extend(contraindication_rules) -%}
    {%- do rules.append({'outcome': 'pca', 'reason': unsuitable_reason, 'when': within_months('unsuitable_date', 12)}) -%}
    {%- do rules.extend(declined_rules) -%}
    {%- do rules.extend([
        {'outcome': 'pca', 'reason': dissent_reason, 'when': within_months('dissent_date', 12)},
        {'outcome': 'pca', 'reason': invitation_reason, 'when': has_invitation_pair('invitation_dates')},
        {'outcome': 'pca', 'reason': 'DIAG1_DAT', 'when': within_months('diagnosis_date', 3)},
        {'outcome': 'pca', 'reason': 'REG1_DAT3', 'when': within_months('registration_date', 3)},
    ]) -%}
    {{ return(rules) }}
{% endmacro %}

{#- A contraindication recorded as persisting (any date up to the achievement date) or expiring
    (in the 12 months up to it). -#}
{% macro cv_contraindicated(persisting_column, expiring_column) -%}
    ({{ persisting_column }} is not null or coalesce({{ within_months(expiring_column, 12) }}, false))
{%- endmacro %}

{#- The antithrombotic PCAs of CHD005 and STIA007 (docs reading): contraindicated and declined
    (XSAL / XSALDIPDEC), contraindicated (XCLO_CODC / XSALCONTRA), then declined (SALDEC /
    SALDIPDEC) after the area's unsuitable PCA. -#}
{% macro cv_antithrombotic_pca_rules(unsuitable_reason, dissent_reason, invitation_reason, both_reason, contraindicated_reason, declined_reason) %}
    {%- set contra = cv_contraindicated('antithrombotic_contra_persisting_date', 'antithrombotic_contra_expiring_date') -%}
    {%- set declined = within_months('antithrombotic_declined_date', 12) -%}
    {{ return(cv_process_pca_rules(
        unsuitable_reason, dissent_reason, invitation_reason,
        contraindication_rules=[
            {'outcome': 'pca', 'reason': both_reason, 'when': contra ~ ' and ' ~ declined},
            {'outcome': 'pca', 'reason': contraindicated_reason, 'when': contra},
        ],
        declined_rules=[{'outcome': 'pca', 'reason': declined_reason, 'when': declined}]
    )) }}
{% endmacro %}

{#- CHD005: a record in the preceding 12 months that aspirin, another antiplatelet or an oral
    anticoagulant is being taken (an issue in the 12 months). -#}
{% macro indicator__chd005() %}
    {{ qof_indicator_cascade(
        'CHD005',
        ref('int_indicator_inputs__coronary_heart_disease'),
        [{'outcome': 'numerator', 'when': within_months('antithrombotic_date', 12)}]
        + cv_antithrombotic_pca_rules('CHDPCAPU', 'CHDPCADEC', 'CHDINVITE', 'XSAL', 'XCLO_CODC', 'SALDEC')
    ) }}
{% endmacro %}

{#- CHD015: aged 79 or under, latest BP in the preceding 12 months at or below 140/90 (home
    135/85). -#}
{% macro indicator__chd015() %}
    {{ qof_indicator_cascade(
        'CHD015',
        ref('int_indicator_inputs__coronary_heart_disease'),
        bp_target_rules(
            'CHD015',
            {'outcome': 'excluded', 'reason': 'PAT_AGEO79', 'when': 'age > ' ~ indicator_target('CHD015', 'age_max')},
            'CHDPCAPU', 'CHDPCADEC', 'CHDBPINV'
        )
    ) }}
{% endmacro %}

{#- CHD016: aged 80 or over, latest BP in the preceding 12 months at or below 150/90 (home
    145/85). -#}
{% macro indicator__chd016() %}
    {{ qof_indicator_cascade(
        'CHD016',
        ref('int_indicator_inputs__coronary_heart_disease'),
        bp_target_rules(
            'CHD016',
            {'outcome': 'excluded', 'reason': 'PAT_AGEU80', 'when': 'age < ' ~ indicator_target('CHD016', 'age_min')},
            'CHDPCAPU', 'CHDPCADEC', 'CHDBPINV'
        )
    ) }}
{% endmacro %}
