-- One row per patient and disease register they are on at the achievement date, with the
-- codes and dates that decided it.

with

registers as (

    select * from {{ ref('int_registers') }}

),

final as (

    select
        patient_id,
        practice_code,
        register_code,
        achievement_date,
        age,
        sex,
        registration_date,
        diagnosis_date,
        latest_diagnosis_date,
        latest_diagnosis_code,
        latest_resolved_date
    from registers

)

select * from final
