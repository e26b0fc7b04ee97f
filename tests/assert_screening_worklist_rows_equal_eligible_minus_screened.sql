-- Each practice's screening worklist has exactly one row per eligible patient not covered:
-- rows per practice, programme and age band = eligible - screened of the uptake mart.

with

uptake as (

    select * from {{ ref('fct_practice_screening_uptake') }}

),

worklist as (

    select
        practice_code,
        programme,
        age_band,
        count(*) as worklist_rows
    from {{ ref('fct_screening_worklist') }}
    group by practice_code, programme, age_band

)

select
    uptake.practice_code,
    uptake.programme,
    uptake.age_band,
    uptake.eligible - uptake.screened as expected_rows,
    coalesce(worklist.worklist_rows, 0) as worklist_rows
from uptake
full outer join worklist
    on
        uptake.practice_code = worklist.practice_code
        and uptake.programme = worklist.programme
        and uptake.age_band = worklist.age_band
where
    uptake.practice_code is null
    or coalesce(worklist.worklist_rows, 0) != uptake.eligible - uptake.screened
