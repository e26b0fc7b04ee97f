-- PCN and ICB income totals equal the sums over their member practices (each practice paid at
-- its own CPI and APDF), and the PCN total equals the income summed in
-- fct_pcn_indicator_achievement. Returns the networks that do not reconcile.

with

practice_totals as (

    select * from {{ ref('fct_practice_income_totals') }}

),

expected as (

    select
        'pcn' as level,
        pcn_code as network_code,
        count(*) as practice_count,
        sum(income_gbp) as income_gbp,
        sum(paid_points) as paid_points
    from practice_totals
    group by pcn_code

    union all

    select
        'icb' as level,
        icb_code as network_code,
        count(*) as practice_count,
        sum(income_gbp) as income_gbp,
        sum(paid_points) as paid_points
    from practice_totals
    group by icb_code

),

pcn_indicator_income as (

    select
        pcn_code,
        sum(income_gbp) as income_gbp
    from {{ ref('fct_pcn_indicator_achievement') }}
    group by pcn_code

),

networks as (

    select
        'pcn' as level,
        pcn_code as network_code,
        practice_count,
        income_gbp,
        paid_points
    from {{ ref('fct_pcn_income_totals') }}

    union all

    select
        'icb' as level,
        icb_code as network_code,
        practice_count,
        income_gbp,
        paid_points
    from {{ ref('fct_icb_income_totals') }}

)

select
    coalesce(networks.level, expected.level) as level,
    coalesce(networks.network_code, expected.network_code) as network_code
from networks
full outer join expected
    on
        networks.level = expected.level
        and networks.network_code = expected.network_code
left join pcn_indicator_income
    on
        networks.level = 'pcn'
        and networks.network_code = pcn_indicator_income.pcn_code
where
    networks.network_code is null
    or expected.network_code is null
    or networks.practice_count is distinct from expected.practice_count
    or not coalesce(abs(networks.income_gbp - expected.income_gbp) <= 1e-6, false)
    or not coalesce(abs(networks.paid_points - expected.paid_points) <= 1e-9, false)
    or (
        networks.level = 'pcn'
        and not coalesce(abs(networks.income_gbp - pcn_indicator_income.income_gbp) <= 1e-6, false)
    )
