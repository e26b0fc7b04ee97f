with

registrations as (

    select * from {{ ref('base_gp_extract__registrations') }}
    where quarantine_reason is null

),

final as (

    select
        patient_id,
        practice_code,
        registration_type,
        start_date,
        end_date
    from registrations

)

select * from final
