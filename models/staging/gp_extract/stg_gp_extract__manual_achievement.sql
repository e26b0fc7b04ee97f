with

manual_achievement as (

    select * from {{ ref('base_gp_extract__manual_achievement') }}
    where quarantine_reason is null

),

final as (

    select
        practice_code,
        indicator_code,
        achievement_date,
        achieved
    from manual_achievement

)

select * from final
