{#- CAN register (CAN001): patients with a cancer diagnosis (CAN_COD) on or after 1 April 2003,
    excluding non-melanotic skin cancer; no resolved code and no age limit
    (docs/rules/cancer.md, register CAN001). A code that is also in NMSC_COD (basal or squamous
    cell carcinoma of the skin) never counts, whichever cluster file it comes from.
    `diagnosis_date` is the first qualifying diagnosis; `latest_diagnosis_date` the most recent
    one (the most recent episode of cancer, read by CAN004 and CAN005). Same output columns as
    qof_register. -#}
{% macro register__cancer() %}

    with

    population as (

        select * from {{ ref('int_population') }}

    ),

    register_rules as (

        select
            min_age,
            max_age
        from {{ ref('qof_registers') }}
        where register_code = 'CAN'

    ),

    clustered_events as (

        select * from {{ ref('int_clustered_events') }}

    ),

    skin_cancer_events as (

        select
            patient_id,
            event_date,
            code
        from clustered_events
        where cluster_code = 'NMSC_COD'

    ),

    diagnoses as (

        select
            clustered_events.patient_id,
            clustered_events.event_date,
            clustered_events.code
        from clustered_events
        left join skin_cancer_events
            on
                clustered_events.patient_id = skin_cancer_events.patient_id
                and clustered_events.event_date = skin_cancer_events.event_date
                and clustered_events.code = skin_cancer_events.code
        where
            clustered_events.cluster_code = 'CAN_COD'
            and clustered_events.event_date >= date '2003-04-01'
            and skin_cancer_events.patient_id is null

    ),

    per_patient as (

        select
            patient_id,
            min(event_date) as diagnosis_date,
            max(event_date) as latest_diagnosis_date,
            arg_max(code, struct_pack(d := event_date, c := code)) as latest_diagnosis_code
        from diagnoses
        group by patient_id

    ),

    final as (

        select
            population.patient_id,
            population.practice_code,
            'CAN' as register_code,
            population.population_date as achievement_date,
            population.age,
            population.sex,
            population.registration_date,
            per_patient.diagnosis_date,
            per_patient.latest_diagnosis_date,
            per_patient.latest_diagnosis_code,
            cast(null as date) as latest_resolved_date
        from population
        inner join per_patient
            on population.patient_id = per_patient.patient_id
        cross join register_rules
        where
            population.age >= coalesce(register_rules.min_age, 0)
            and population.age <= coalesce(register_rules.max_age, 200)

    )

    select * from final

{% endmacro %}
