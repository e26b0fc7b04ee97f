-- The trend's latest month end is the achievement date, and its counts equal the uptake mart's.

with

trend as (

    select * from {{ ref('fct_practice_screening_trend') }}
    where months_before_achievement_date = 0

),

uptake as (

    select * from {{ ref('fct_practice_screening_uptake') }}

)

select
    uptake.practice_code,
    uptake.programme,
    uptake.age_band
from uptake
left join trend
    on
        uptake.practice_code = trend.practice_code
        and uptake.programme = trend.programme
        and uptake.age_band = trend.age_band
where
    trend.practice_code is null
    or trend.month_end != uptake.achievement_date
    or trend.eligible != uptake.eligible
    or trend.screened != uptake.screened
