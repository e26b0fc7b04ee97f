{#- Hypertension indicator cascades (thresholds_and_rules.md 2.3). Population: the HYP
    register (int_indicator_inputs__hypertension). -#}

{#- HYP008: aged 79 or under, latest BP in the preceding 12 months at or below 140/90
    (home 135/85). -#}
{% macro indicator__hyp008() %}
    {{ qof_indicator_cascade(
        'HYP008',
        ref('int_indicator_inputs__hypertension'),
        bp_target_rules(
            'HYP008',
            {'outcome': 'excluded', 'reason': 'PAT_AGEO79', 'when': 'age > ' ~ indicator_target('HYP008', 'age_max')},
            'HYPPCAPU', 'HYPPCADEC', 'HYPBPINV'
        )
    ) }}
{% endmacro %}

{#- HYP009: aged 80 or over, latest BP in the preceding 12 months at or below 150/90
    (home 145/85). -#}
{% macro indicator__hyp009() %}
    {{ qof_indicator_cascade(
        'HYP009',
        ref('int_indicator_inputs__hypertension'),
        bp_target_rules(
            'HYP009',
            {'outcome': 'excluded', 'reason': 'PAT_AGEU80', 'when': 'age < ' ~ indicator_target('HYP009', 'age_min')},
            'HYPPCAPU', 'HYPPCADEC', 'HYPBPINV'
        )
    ) }}
{% endmacro %}
