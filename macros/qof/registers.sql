{#-
    A QOF disease register at the achievement date.

    A patient is on the register when they are in the GMS population, have a diagnosis code
    (any of `diagnosis_clusters`) on or before the achievement date, their latest diagnosis is
    not followed by a resolved code (any of `resolved_clusters`), and their age lies within the
    register's age limits from the `qof_registers` seed. A resolved code on the same date as the
    latest diagnosis follows the `resolved_same_day_policy` var.

    `diagnosis_start_date` (optional): only diagnoses on or after this date count.
    `required_within_months` (optional): {cluster: months} that must also be coded in the
    window, e.g. asthma treatment in the preceding 12 months.
    `diagnosis_date_reading` decides `diagnosis_date`, which drives the "newly diagnosed" PCAs
    (DIAG1_DAT, DIAG1_DT9M) and DM014:
        'earliest' (default): the earliest diagnosis code ever, ignoring any resolved code, as
            the business rules define DM_DAT and HYP_DAT (docs/assumptions.md A6): a patient
            re-diagnosed after a resolved code is not new;
        'earliest_unresolved': the first diagnosis code of the current episode (the first after
            the latest resolved code; the first ever when never resolved), for registers whose
            rules use the earliest unresolved diagnosis (COPD, asthma, depression).
-#}
{% macro qof_register(
    register_code,
    diagnosis_clusters,
    resolved_clusters=[],
    diagnosis_start_date=none,
    required_within_months={},
    diagnosis_date_reading='earliest'
) %}
    {%- if diagnosis_date_reading not in ['earliest', 'earliest_unresolved'] -%}
        {{ exceptions.raise_compiler_error(
            "qof_register: diagnosis_date_reading must be 'earliest' or 'earliest_unresolved', got '"
            ~ diagnosis_date_reading ~ "'"
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
        where register_code = '{{ register_code }}'

    ),

    clustered_events as (

        select * from {{ ref('int_clustered_events') }}

    ),

    diagnoses as (

        select
            patient_id,
            event_date,
            code
        from clustered_events
        where
            cluster_code in ({{ "'" ~ diagnosis_clusters | join("', '") ~ "'" }})
            {%- if diagnosis_start_date %}
                and event_date >= date '{{ diagnosis_start_date }}'
            {%- endif %}

    ),

    latest_diagnosis as (

        select
            patient_id,
            max(event_date) as latest_diagnosis_date,
            arg_max(code, struct_pack(d := event_date, c := code)) as latest_diagnosis_code
        from diagnoses
        group by patient_id

    ),

    latest_resolution as (

        {% if resolved_clusters | length > 0 -%}
            select
                patient_id,
                max(event_date) as latest_resolved_date
            from clustered_events
            where cluster_code in ({{ "'" ~ resolved_clusters | join("', '") ~ "'" }})
            group by patient_id
        {%- else -%}
            select
                cast(null as varchar) as patient_id,
                cast(null as date) as latest_resolved_date
            where false
        {%- endif %}

    ),

    unresolved as (

        select
            latest_diagnosis.*,
            latest_resolution.latest_resolved_date
        from latest_diagnosis
        left join latest_resolution
            on latest_diagnosis.patient_id = latest_resolution.patient_id
        where not coalesce(
            {{ resolves_diagnosis(
                'latest_resolution.latest_resolved_date', 'latest_diagnosis.latest_diagnosis_date'
            ) }},
            false
        )

    ),

    episode_start as (

        select
            unresolved.patient_id,
            min(diagnoses.event_date) as diagnosis_date
        from unresolved
        inner join diagnoses
            on unresolved.patient_id = diagnoses.patient_id
        {%- if diagnosis_date_reading == 'earliest_unresolved' %}
            where
                unresolved.latest_resolved_date is null
                or diagnoses.event_date > unresolved.latest_resolved_date
                or diagnoses.event_date = unresolved.latest_diagnosis_date
        {%- endif %}
        group by unresolved.patient_id

    ),

    {% for cluster, months in required_within_months.items() %}
        required_{{ loop.index }} as (

            select distinct patient_id
            from clustered_events
            where
                cluster_code = '{{ cluster }}'
                and {{ within_months('event_date', months) }}

        ),
    {% endfor %}

    final as (

        select
            population.patient_id,
            population.practice_code,
            '{{ register_code }}' as register_code,
            population.population_date as achievement_date,
            population.age,
            population.sex,
            population.registration_date,
            episode_start.diagnosis_date,
            unresolved.latest_diagnosis_date,
            unresolved.latest_diagnosis_code,
            unresolved.latest_resolved_date
        from population
        inner join unresolved
            on population.patient_id = unresolved.patient_id
        inner join episode_start
            on population.patient_id = episode_start.patient_id
        {% for cluster in required_within_months %}
            inner join required_{{ loop.index }}
                on population.patient_id = required_{{ loop.index }}.patient_id
        {% endfor %}
        cross join register_rules
        where
            population.age >= coalesce(register_rules.min_age, 0)
            and population.age <= coalesce(register_rules.max_age, 200)

    )

    select * from final

{% endmacro %}
