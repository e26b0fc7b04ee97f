{#-
    MH register (MH001): patients with a schizophrenia, bipolar affective disorder or other
    psychosis code (MH_COD), or who were issued lithium (LIT_COD) in the preceding 6 months
    (docs/rules/mental_health.md, register MH001; an assumption); no age limit. Remission
    (MHREM_COD after the latest psychosis code) follows the `mh_remission_policy` var
    (docs/assumptions.md OA2):
      indicator_exclusion (default): the patient stays on the register and the MH indicators
        reject them (MHREM_DAT, an exclusion in the NHS Digital 2023/24 PCA reference);
      off_register: remission removes the patient unless lithium was issued in the 6 months.
    A remission code on the day of the latest diagnosis follows the resolved_same_day_policy
    var. The diagnosis date is the first psychosis code after the latest remission that does
    not close the current episode (for a patient in remission, the first code of the episode
    the remission closed). Patients on the register through lithium alone carry their lithium
    issues as the deciding dates and code (first issue as diagnosis_date, latest issue as the
    latest "diagnosis").
-#}
{% macro register__mental_health() %}

    {%- set policy = var('mh_remission_policy') -%}
    {%- if policy not in ['indicator_exclusion', 'off_register'] -%}
        {{ exceptions.raise_compiler_error(
            "mh_remission_policy must be 'indicator_exclusion' or 'off_register', not '" ~ policy ~ "'"
        ) }}
    {%- endif %}

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

    remissions as (

        select
            patient_id,
            event_date
        from clustered_events
        where cluster_code = 'MHREM_COD'

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
        from remissions
        group by patient_id

    ),

    diagnosed_with_remission as (

        select
            latest_diagnosis.*,
            latest_remission.latest_resolved_date,
            coalesce(
                {{ resolves_diagnosis(
                    'latest_remission.latest_resolved_date', 'latest_diagnosis.latest_diagnosis_date'
                ) }},
                false
            ) as is_in_remission
        from latest_diagnosis
        left join latest_remission
            on latest_diagnosis.patient_id = latest_remission.patient_id

    ),

    kept as (

        select * from diagnosed_with_remission
        {%- if policy == 'off_register' %}
            where not is_in_remission
        {%- endif %}

    ),

    episode_boundary as (

        select
            kept.patient_id,
            max(remissions.event_date) as boundary_date
        from kept
        inner join remissions
            on kept.patient_id = remissions.patient_id
        where not {{ resolves_diagnosis('remissions.event_date', 'kept.latest_diagnosis_date') }}
        group by kept.patient_id

    ),

    episode_start as (

        select
            kept.patient_id,
            min(diagnoses.event_date) as diagnosis_date
        from kept
        inner join diagnoses
            on kept.patient_id = diagnoses.patient_id
        left join episode_boundary
            on kept.patient_id = episode_boundary.patient_id
        where
            episode_boundary.boundary_date is null
            or diagnoses.event_date > episode_boundary.boundary_date
            or diagnoses.event_date = kept.latest_diagnosis_date
        group by kept.patient_id

    ),

    diagnosed as (

        select
            kept.patient_id,
            episode_start.diagnosis_date,
            kept.latest_diagnosis_date,
            kept.latest_diagnosis_code,
            kept.latest_resolved_date
        from kept
        inner join episode_start
            on kept.patient_id = episode_start.patient_id

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
