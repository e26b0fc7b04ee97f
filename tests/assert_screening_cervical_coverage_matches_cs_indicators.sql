-- Cervical coverage at the achievement date and the QOF cervical screening indicators count
-- the same women: per practice, the 25-49 (50-64) band's screened equals CS005's (CS006's)
-- numerator and its excluded the NOCX exclusions, and eligible equals the indicator's
-- population less the exclusions. Catches drift between the screening_programmes seed and
-- the CS targets, windows and clusters.

with

uptake as (

    select
        practice_code,
        case age_band when '25-49' then 'CS005' when '50-64' then 'CS006' end as indicator_code,
        eligible,
        excluded,
        screened
    from {{ ref('fct_practice_screening_uptake') }}
    where programme = 'cervical'

),

cascades as (

    select
        practice_code,
        indicator_code,
        count(*) filter (where cascade_outcome != 'excluded') as eligible,
        count(*) filter (where cascade_outcome = 'excluded') as excluded,
        count(*) filter (where cascade_outcome = 'numerator') as screened
    from {{ ref('int_indicator_cascades') }}
    where indicator_code in ('CS005', 'CS006')
    group by practice_code, indicator_code

)

select
    uptake.practice_code,
    uptake.indicator_code,
    uptake.eligible,
    cascades.eligible as cascade_eligible,
    uptake.screened,
    cascades.screened as cascade_screened
from uptake
left join cascades
    on
        uptake.practice_code = cascades.practice_code
        and uptake.indicator_code = cascades.indicator_code
where
    uptake.eligible + uptake.excluded > 0
    and (
        cascades.practice_code is null
        or uptake.eligible != cascades.eligible
        or uptake.excluded != cascades.excluded
        or uptake.screened != cascades.screened
    )
