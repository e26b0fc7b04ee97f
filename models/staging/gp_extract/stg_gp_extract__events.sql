with

events as (

    select * from {{ ref('base_gp_extract__events') }}
    where quarantine_reason is null

),

final as (

    select
        event_id,
        patient_id,
        practice_code,
        event_date,
        snomed_code,
        value,
        unit
    from events

)

select * from final
