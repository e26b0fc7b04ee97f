{#- Stroke and TIA indicator cascades (thresholds_and_rules.md 2.1 and 2.3). Population: the
    STIA register (int_indicator_inputs__stroke_tia). -#}

{#- The body of a CTE with one row per patient who has a non-haemorrhagic stroke or a TIA up to
    the achievement date, and the date of the first one (non_haemorrhagic_stroke_or_tia_date).
    Non-haemorrhagic is cluster logic, not a list of its own: a stroke event (STRK_COD) whose
    code is not also a haemorrhagic stroke code (the same event has no HSTRK_COD row in
    int_clustered_events), or a TIA event (TIA_COD) (docs/assumptions.md OA3). An event is a
    patient, date and code; int_clustered_events has one row per event and cluster. -#}
{% macro non_haemorrhagic_stroke_or_tia_dates() %}
    select
        patient_id,
        min(event_date) as non_haemorrhagic_stroke_or_tia_date
    from (
        select
            patient_id,
            event_date,
            code,
            code_system,
            bool_or(cluster_code = 'TIA_COD') as is_tia,
            bool_or(cluster_code = 'STRK_COD') as is_stroke,
            bool_or(cluster_code = 'HSTRK_COD') as is_haemorrhagic_stroke
        from {{ ref('int_clustered_events') }}
        where cluster_code in ('STRK_COD', 'HSTRK_COD', 'TIA_COD')
        group by patient_id, event_date, code, code_system
    ) as stroke_events
    where is_tia or (is_stroke and not is_haemorrhagic_stroke)
    group by patient_id
{% endmacro %}

{#- STIA007: non-haemorrhagic stroke or TIA, a record in the preceding 12 months that an
    antiplatelet or an oral anticoagulant is being taken (an issue in the 12 months). Patients
    without a non-haemorrhagic stroke or TIA (a stroke history of haemorrhagic codes only) are
    rejected (OSTREXCL; non_haemorrhagic_stroke_or_tia_dates). -#}
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
