{#- OB register (OB003; docs/rules/obesity.md, register OB003): aged 18 or over (qof_registers
    seed) whose latest BMI in the preceding 12 months is at or above the OB003 target (30). The
    latest BMI is the latest date with a BMI value (BMIVAL_COD) or a "BMI 30+" code (BMI30_COD)
    in the window; several values on that date: the lowest (as for HbA1c, docs/assumptions.md
    A5); a BMI30_COD code counts as 30 or more when no value shares its date. The
    ethnicity-specific lower cut-off is not applied: the extract has no ethnicity
    (docs/assumptions.md). The columns match qof_register: the latest BMI date stands in for the
    diagnosis dates. -#}
{% macro register__obesity() %}

    with

    population as (

        select * from {{ ref('int_population') }}

    ),

    register_rules as (

        select
            min_age,
            max_age
        from {{ ref('qof_registers') }}
        where register_code = 'OB'

    ),

    bmi_records as (

        select
            patient_id,
            cluster_code,
            event_date,
            code,
            value
        from {{ ref('int_clustered_events') }}
        where
            (
                (cluster_code = 'BMIVAL_COD' and value is not null)
                or cluster_code = 'BMI30_COD'
            )
            and {{ within_months('event_date', 12) }}

    ),

    latest_day as (

        select
            patient_id,
            max(event_date) as latest_bmi_date
        from bmi_records
        group by patient_id

    ),

    latest_bmi as (

        select
            bmi_records.patient_id,
            latest_day.latest_bmi_date,
            min(bmi_records.value) filter (where bmi_records.cluster_code = 'BMIVAL_COD') as latest_bmi_value,
            bool_or(bmi_records.cluster_code = 'BMI30_COD') as has_bmi_30_code,
            arg_min(bmi_records.code, struct_pack(v := coalesce(bmi_records.value, 0), c := bmi_records.code)) as latest_bmi_code
        from bmi_records
        inner join latest_day
            on
                bmi_records.patient_id = latest_day.patient_id
                and bmi_records.event_date = latest_day.latest_bmi_date
        group by bmi_records.patient_id, latest_day.latest_bmi_date

    ),

    obese as (

        select * from latest_bmi
        where coalesce(
            latest_bmi_value >= {{ indicator_target('OB003', 'bmi_min') }},
            has_bmi_30_code
        )

    ),

    final as (

        select
            population.patient_id,
            population.practice_code,
            'OB' as register_code,
            population.population_date as achievement_date,
            population.age,
            population.sex,
            population.registration_date,
            obese.latest_bmi_date as diagnosis_date,
            obese.latest_bmi_date as latest_diagnosis_date,
            obese.latest_bmi_code as latest_diagnosis_code,
            cast(null as date) as latest_resolved_date
        from population
        inner join obese
            on population.patient_id = obese.patient_id
        cross join register_rules
        where
            population.age >= coalesce(register_rules.min_age, 0)
            and population.age <= coalesce(register_rules.max_age, 200)

    )

    select * from final

{% endmacro %}
