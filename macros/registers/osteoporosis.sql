{#-
    OST register (OST004): patients aged 50 or over (qof_registers seed) who are either
    (1) under the OST004 `age_fracture_only_min` target (75) with a fragility fracture
        (FF_COD) on or after 1 April 2012 and osteoporosis (OSTEO_COD) confirmed on DXA: a DXA
        scan code (DXA_COD) or a DXA T-score (DXA2_COD) at or below the `dxa_t_score_max`
        target (-2.5); or
    (2) at or over that age with a fragility fracture on or after 1 April 2014 (QOF OST004
    register wording; details docs/rules/osteoporosis.md, register OST004; an assumption). The
    deciding code is the latest qualifying fracture; diagnosis_date is the first qualifying
    fracture.
-#}
{% macro register__osteoporosis() %}

    with

    population as (

        select * from {{ ref('int_population') }}

    ),

    register_rules as (

        select
            min_age,
            max_age
        from {{ ref('qof_registers') }}
        where register_code = 'OST'

    ),

    clustered_events as (

        select * from {{ ref('int_clustered_events') }}
        where cluster_code in ('FF_COD', 'OSTEO_COD', 'DXA_COD', 'DXA2_COD')

    ),

    fractures as (

        select
            patient_id,
            min(event_date) as first_fracture_date,
            min(event_date) filter (where event_date >= date '2014-04-01') as first_fracture_date_since_2014,
            max(event_date) as latest_fracture_date,
            arg_max(code, struct_pack(d := event_date, c := code)) as latest_fracture_code
        from clustered_events
        where
            cluster_code = 'FF_COD'
            and event_date >= date '2012-04-01'
        group by patient_id

    ),

    dxa_confirmed_osteoporosis as (

        select patient_id
        from clustered_events
        group by patient_id
        having
            count(*) filter (where cluster_code = 'OSTEO_COD') > 0
            and (
                count(*) filter (where cluster_code = 'DXA_COD') > 0
                or count(*) filter (
                    where
                        cluster_code = 'DXA2_COD'
                        and value <= {{ indicator_target('OST004', 'dxa_t_score_max') }}
                ) > 0
            )

    ),

    candidates as (

        select
            population.*,
            fractures.first_fracture_date,
            fractures.first_fracture_date_since_2014,
            fractures.latest_fracture_date,
            fractures.latest_fracture_code,
            dxa_confirmed_osteoporosis.patient_id is not null as has_dxa_confirmed_osteoporosis,
            population.age >= {{ indicator_target('OST004', 'age_fracture_only_min') }} as is_fracture_only_age
        from population
        inner join fractures
            on population.patient_id = fractures.patient_id
        left join dxa_confirmed_osteoporosis
            on population.patient_id = dxa_confirmed_osteoporosis.patient_id

    ),

    final as (

        select
            candidates.patient_id,
            candidates.practice_code,
            'OST' as register_code,
            candidates.population_date as achievement_date,
            candidates.age,
            candidates.sex,
            candidates.registration_date,
            case
                when candidates.is_fracture_only_age then candidates.first_fracture_date_since_2014
                else candidates.first_fracture_date
            end as diagnosis_date,
            candidates.latest_fracture_date as latest_diagnosis_date,
            candidates.latest_fracture_code as latest_diagnosis_code,
            cast(null as date) as latest_resolved_date
        from candidates
        cross join register_rules
        where
            candidates.age >= coalesce(register_rules.min_age, 0)
            and candidates.age <= coalesce(register_rules.max_age, 200)
            and (
                (not candidates.is_fracture_only_age and candidates.has_dxa_confirmed_osteoporosis)
                or (candidates.is_fracture_only_age and candidates.first_fracture_date_since_2014 is not null)
            )

    )

    select * from final

{% endmacro %}
