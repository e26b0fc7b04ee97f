{#- Stroke and TIA indicator cascades (thresholds_and_rules.md 2.1 and 2.3). Population: the
    STIA register (int_indicator_inputs__stroke_tia). -#}

{#- STIA007: non-haemorrhagic stroke or TIA, a record in the preceding 12 months that an
    antiplatelet or an oral anticoagulant is being taken (an issue in the 12 months). Patients
    whose stroke history is haemorrhagic only are rejected (OSTREXCL). -#}
{% macro indicator__stia007() %}
    {{ qof_indicator_cascade(
        'STIA007',
        ref('int_indicator_inputs__stroke_tia'),
        [
            {'outcome': 'excluded', 'reason': 'OSTREXCL', 'when': 'not has_non_haemorrhagic_stroke_or_tia'},
            {'outcome': 'numerator', 'when': within_months('antithrombotic_date', 12)},
        ]
        + cv_antithrombotic_pca_rules('STIAPCAPU', 'STIAPCADEC', 'STIAINVITE', 'XSALDIPDEC', 'XSALCONTRA', 'SALDIPDEC')
    ) }}
{% endmacro %}

{#- STIA014: aged 79 or under, latest BP in the preceding 12 months at or below 140/90 (home
    135/85). -#}
{% macro indicator__stia014() %}
    {{ qof_indicator_cascade(
        'STIA014',
        ref('int_indicator_inputs__stroke_tia'),
        bp_target_rules(
            'STIA014',
            {'outcome': 'excluded', 'reason': 'PAT_AGEO79', 'when': 'age > ' ~ indicator_target('STIA014', 'age_max')},
            'STIAPCAPU', 'STIAPCADEC', 'STBPINVITE'
        )
    ) }}
{% endmacro %}

{#- STIA015: aged 80 or over, latest BP in the preceding 12 months at or below 150/90 (home
    145/85). -#}
{% macro indicator__stia015() %}
    {{ qof_indicator_cascade(
        'STIA015',
        ref('int_indicator_inputs__stroke_tia'),
        bp_target_rules(
            'STIA015',
            {'outcome': 'excluded', 'reason': 'PAT_AGEU80', 'when': 'age < ' ~ indicator_target('STIA015', 'age_min')},
            'STIAPCAPU', 'STIAPCADEC', 'STBPINVITE'
        )
    ) }}
{% endmacro %}
