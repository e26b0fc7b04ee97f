-- PCN and ICB counts, points and income must equal the sums over their member practices.

with

practices as (

    select * from {{ ref('stg_gp_extract__practices') }}

),

practice_rows as (

    select
        coalesce(practices.pcn_code, 'UNALIGNED') as pcn_code,
        practices.icb_code,
        achievement.indicator_code,
        achievement.denominator,
        achievement.numerator,
        achievement.pca_count,
        achievement.points,
        income.income_gbp
    from {{ ref('fct_practice_indicator_achievement') }} as achievement
    inner join practices
        on achievement.practice_code = practices.practice_code
    inner join {{ ref('fct_practice_income') }} as income
        on
            achievement.practice_code = income.practice_code
            and achievement.indicator_code = income.indicator_code

),

by_pcn as (

    select
        'pcn' as level,
        pcn_code as network_code,
        indicator_code,
        sum(denominator) as denominator,
        sum(numerator) as numerator,
        sum(pca_count) as pca_count,
        sum(points) as points,
        sum(income_gbp) as income_gbp
    from practice_rows
    group by pcn_code, indicator_code

),

by_icb as (

    select
        'icb' as level,
        icb_code as network_code,
        indicator_code,
        sum(denominator) as denominator,
        sum(numerator) as numerator,
        sum(pca_count) as pca_count,
        sum(points) as points,
        sum(income_gbp) as income_gbp
    from practice_rows
    group by icb_code, indicator_code

),

networks as (

    select
        'pcn' as level,
        pcn_code as network_code,
        indicator_code,
        denominator,
        numerator,
        pca_count,
        points,
        income_gbp
    from {{ ref('fct_pcn_indicator_achievement') }}

    union all

    select
        'icb' as level,
        icb_code as network_code,
        indicator_code,
        denominator,
        numerator,
        pca_count,
        points,
        income_gbp
    from {{ ref('fct_icb_indicator_achievement') }}

),

expected as (

    select * from by_pcn
    union all
    select * from by_icb

)

select
    networks.level,
    networks.network_code,
    networks.indicator_code
from networks
full outer join expected
    on
        networks.level = expected.level
        and networks.network_code = expected.network_code
        and networks.indicator_code = expected.indicator_code
where
    networks.network_code is null
    or expected.network_code is null
    or networks.denominator != expected.denominator
    or networks.numerator != expected.numerator
    or networks.pca_count != expected.pca_count
    or abs(networks.points - expected.points) > 1e-6
    or abs(networks.income_gbp - expected.income_gbp) > 1e-6
