{#- Patients registered for GMS on `at_date`, one row each with the practice they were
    registered at, the date of that registration (REG_DAT) and their age at `at_date`. -#}
{% macro gms_population_at(at_date) %}

    with

    patients as (

        select * from {{ ref('stg_gp_extract__patients') }}

    ),

    gms_registrations as (

        select * from {{ ref('stg_gp_extract__registrations') }}
        where
            registration_type = 'GMS'
            and start_date <= {{ at_date }}
            and (end_date is null or end_date > {{ at_date }})

    ),

    latest_registration as (

        select
            patient_id,
            practice_code,
            start_date as registration_date,
            row_number() over (
                partition by patient_id
                order by start_date desc, practice_code
            ) as registration_rank
        from gms_registrations

    ),

    final as (

        select
            latest_registration.patient_id,
            latest_registration.practice_code,
            {{ at_date }} as population_date,
            patients.date_of_birth,
            patients.sex,
            {{ age_in_years('patients.date_of_birth', at_date) }} as age,
            latest_registration.registration_date
        from latest_registration
        inner join patients
            on latest_registration.patient_id = patients.patient_id
        where
            latest_registration.registration_rank = 1
            and (patients.date_of_death is null or patients.date_of_death > {{ at_date }})

    )

    select * from final

{% endmacro %}
