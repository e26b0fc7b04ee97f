with

medications as (

    select * from {{ ref('base_gp_extract__medications') }}
    where quarantine_reason is null

),

final as (

    select
        event_id,
        patient_id,
        practice_code,
        issue_date,
        dmd_code,
        quantity
    from medications

)

select * from final
