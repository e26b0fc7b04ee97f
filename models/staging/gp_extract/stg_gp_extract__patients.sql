with

patients as (

    select * from {{ ref('base_gp_extract__patients') }}
    where quarantine_reason is null

),

final as (

    select
        patient_id,
        date_of_birth,
        sex,
        date_of_death
    from patients

)

select * from final
