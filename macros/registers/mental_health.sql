{#-
    MH register (MH001): patients whose latest schizophrenia, bipolar affective disorder or
    other psychosis code (MH_COD) is not followed by a remission code (MHREM_COD), or who were
    issued lithium (LIT_COD) in the preceding 6 months (qof_rules.md 4.2 [R]); no age limit.
    A remission code on the day of the latest diagnosis follows the resolved_same_day_policy
    var. Patients on the register through lithium alone carry their lithium issues as the
    deciding dates and code (first issue as diagnosis_date, latest issue as the latest
    "diagnosis"); remission is read again by the MH indicators (MHREM_DAT).
-#}
{% macro register__mental_health() %}

    with

    population as (

        select * from {{ ref('int_population') }}

    ),

    register_rules as (

        select
            min_age,
            max_age
        from {{ ref('qof_registers') }}
        where register_code = 'MH'

    ),

    clustered_events as (

        select * from {{ ref('int_clustered_events') }}
        where cluster_code in ('MH_COD', 'MHREM_COD', 'LIT_COD')

    ),

    diagnoses as (

        select
            patient_id,
            event_date,
            code
        from clustered_events
        where cluster_code = 'MH_COD'

    ),

    latest_diagnosis as (

        select
            patient_id,
            max(event_date) as latest_diagnosis_date,
            arg_max(code, struct_pack(d := event_date, c := code)) as latest_diagnosis_code
        from diagnoses
        group by patient_id

    ),

    latest_remission as (

        select
            patient_id,
            max(event_date) as latest_resolved_date
        from clustered_events
        where cluster_code = 'MHREM_COD'
        group by patient_id

    ),

    not_in_remission as (

        select
            latest_diagnosis.*,
            latest_remission.latest_resolved_date
        from latest_diagnosis
        left join latest_remission
            on latest_diagnosis.patient_id = latest_remission.patient_id
        where not coalesce(
            {{ resolves_diagnosis(
                'latest_remission.latest_resolved_date', 'latest_diagnosis.latest_diagnosis_date'
            ) }},
            false
        )

    ),

    episode_start as (

        select
            not_in_remission.patient_id,
            min(diagnoses.event_date) as diagnosis_date
        from not_in_remission
        inner join diagnoses
            on not_in_remission.patient_id = diagnoses.patient_id
        where
            not_in_remission.latest_resolved_date is null
            or diagnoses.event_date > not_in_remission.latest_resolved_date
            or diagnoses.event_date = not_in_remission.latest_diagnosis_date
        group by not_in_remission.patient_id

    ),

    diagnosed as (

        select
            not_in_remission.patient_id,
            episode_start.diagnosis_date,
            not_in_remission.latest_diagnosis_date,
            not_in_remission.latest_diagnosis_code,
            not_in_remission.latest_resolved_date
        from not_in_remission
        inner join episode_start
            on not_in_remission.patient_id = episode_start.patient_id

    ),

    lithium_issues as (

        select
            patient_id,
            min(event_date) as first_issue_date,
            max(event_date) as latest_issue_date,
            arg_max(code, struct_pack(d := event_date, c := code)) as latest_issue_code
        from clustered_events
        where cluster_code = 'LIT_COD'
        group by patient_id

    ),

    on_lithium_only as (

        select
            lithium_issues.patient_id,
            lithium_issues.first_issue_date as diagnosis_date,
            lithium_issues.latest_issue_date as latest_diagnosis_date,
            lithium_issues.latest_issue_code as latest_diagnosis_code,
            cast(null as date) as latest_resolved_date
        from lithium_issues
        left join diagnosed
            on lithium_issues.patient_id = diagnosed.patient_id
        where
            diagnosed.patient_id is null
            and {{ within_months('lithium_issues.latest_issue_date', 6) }}

    ),

    qualifying as (

        select * from diagnosed
        union all
        select * from on_lithium_only

    ),

    final as (

        select
            population.patient_id,
            population.practice_code,
            'MH' as register_code,
            population.population_date as achievement_date,
            population.age,
            population.sex,
            population.registration_date,
            qualifying.diagnosis_date,
            qualifying.latest_diagnosis_date,
            qualifying.latest_diagnosis_code,
            qualifying.latest_resolved_date
        from population
        inner join qualifying
            on population.patient_id = qualifying.patient_id
        cross join register_rules
        where
            population.age >= coalesce(register_rules.min_age, 0)
            and population.age <= coalesce(register_rules.max_age, 200)

    )

    select * from final

{% endmacro %}
