{#- COPD register (COPD015, 2023 rewrite; docs/rules/copd.md, register COPD015): latest COPD
    code not followed by a COPD resolved code, no age limit. The diagnosis date of the current
    episode (the earliest unresolved COPD code) decides which rule applies:
      - before 1 April 2023 (`spirometry_rule_start`): on the register as before;
      - on or after it: only with post-bronchodilator spirometry confirmation, an FEV1/FVC
        ratio below the COPD015 target (0.7) - a FEV1FVCL70_COD code, or a FEV1FVC_COD value
        (a percentage when above 1) - from 93 days before to 186 days after the diagnosis
        [R], or, for patients who registered in the preceding 12 months after being
        diagnosed elsewhere, from 93 days before to 186 days after the registration
        (docs/assumptions.md). -#}
{% macro register__copd(spirometry_rule_start='2023-04-01') %}

    with

    unresolved_copd as (

        {{ qof_register(
            'COPD',
            diagnosis_clusters=['COPD_COD'],
            resolved_clusters=['COPDRES_COD'],
            diagnosis_date_reading='earliest_unresolved'
        ) }}

    ),

    clustered_events as (

        select * from {{ ref('int_clustered_events') }}
        where cluster_code in ('FEV1FVC_COD', 'FEV1FVCL70_COD')

    ),

    obstructive_spirometry as (

        select
            patient_id,
            event_date
        from clustered_events
        where
            cluster_code = 'FEV1FVCL70_COD'
            or (
                case when value > 1 then value / 100 else value end
                < {{ indicator_target('COPD015', 'fev1_fvc_ratio_max') }}
            )

    ),

    confirmed as (

        select distinct unresolved_copd.patient_id
        from unresolved_copd
        inner join obstructive_spirometry
            on unresolved_copd.patient_id = obstructive_spirometry.patient_id
        where
            obstructive_spirometry.event_date
            between unresolved_copd.diagnosis_date - interval 93 days
            and unresolved_copd.diagnosis_date + interval 186 days
            or (
                {{ within_months('unresolved_copd.registration_date', 12) }}
                and unresolved_copd.registration_date > unresolved_copd.diagnosis_date
                and obstructive_spirometry.event_date
                between unresolved_copd.registration_date - interval 93 days
                and unresolved_copd.registration_date + interval 186 days
            )

    ),

    final as (

        select unresolved_copd.*
        from unresolved_copd
        left join confirmed
            on unresolved_copd.patient_id = confirmed.patient_id
        where
            unresolved_copd.diagnosis_date < date '{{ spirometry_rule_start }}'
            or confirmed.patient_id is not null

    )

    select * from final

{% endmacro %}
