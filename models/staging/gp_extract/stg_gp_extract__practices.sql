with

practices as (

    select * from {{ ref('base_gp_extract__practices') }}
    where quarantine_reason is null

),

final as (

    select
        practice_code,
        practice_name,
        pcn_code,
        pcn_name,
        icb_code,
        icb_name
    from practices

)

select * from final
