-- Every indicator of the year's registry has a row for every practice.

with

registry as (

    select indicator_code from {{ ref('qof_indicators') }}
    where qof_year = '{{ var("qof_year") }}'

),

practices as (

    select practice_code from {{ ref('stg_gp_extract__practices') }}

),

achievement as (

    select
        practice_code,
        indicator_code
    from {{ ref('fct_practice_indicator_achievement') }}

)

select
    practices.practice_code,
    registry.indicator_code
from practices
cross join registry
left join achievement
    on
        practices.practice_code = achievement.practice_code
        and registry.indicator_code = achievement.indicator_code
where achievement.practice_code is null
