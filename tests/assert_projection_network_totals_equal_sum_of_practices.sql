-- PCN and ICB projected points and pounds must equal the sums over their member practices.

with

practices as (

    select * from {{ ref('stg_gp_extract__practices') }}

),

projection as (

    select * from {{ ref('fct_practice_indicator_projection') }}

),

practice_rows as (

    select
        coalesce(practices.pcn_code, 'UNALIGNED') as pcn_code,
        practices.icb_code,
        projection.indicator_code,
        projection.achievement_date,
        projection.projected_points,
        projection.projected_points_low,
        projection.projected_points_high,
        projection.projected_income_gbp,
        projection.projected_income_gbp_low,
        projection.projected_income_gbp_high
    from projection
    inner join practices
        on projection.practice_code = practices.practice_code

),

by_pcn as (

    select
        'pcn' as level,
        pcn_code as network_code,
        indicator_code,
        achievement_date,
        coalesce(sum(projected_points), 0) as projected_points,
        coalesce(sum(projected_points_low), 0) as projected_points_low,
        coalesce(sum(projected_points_high), 0) as projected_points_high,
        coalesce(sum(projected_income_gbp), 0) as projected_income_gbp,
        coalesce(sum(projected_income_gbp_low), 0) as projected_income_gbp_low,
        coalesce(sum(projected_income_gbp_high), 0) as projected_income_gbp_high
    from practice_rows
    group by pcn_code, indicator_code, achievement_date

),

by_icb as (

    select
        'icb' as level,
        icb_code as network_code,
        indicator_code,
        achievement_date,
        coalesce(sum(projected_points), 0) as projected_points,
        coalesce(sum(projected_points_low), 0) as projected_points_low,
        coalesce(sum(projected_points_high), 0) as projected_points_high,
        coalesce(sum(projected_income_gbp), 0) as projected_income_gbp,
        coalesce(sum(projected_income_gbp_low), 0) as projected_income_gbp_low,
        coalesce(sum(projected_income_gbp_high), 0) as projected_income_gbp_high
    from practice_rows
    group by icb_code, indicator_code, achievement_date

),

networks as (

    select
        'pcn' as level,
        pcn_code as network_code,
        indicator_code,
        achievement_date,
        coalesce(projected_points, 0) as projected_points,
        coalesce(projected_points_low, 0) as projected_points_low,
        coalesce(projected_points_high, 0) as projected_points_high,
        coalesce(projected_income_gbp, 0) as projected_income_gbp,
        coalesce(projected_income_gbp_low, 0) as projected_income_gbp_low,
        coalesce(projected_income_gbp_high, 0) as projected_income_gbp_high
    from {{ ref('fct_pcn_indicator_projection') }}

    union all

    select
        'icb' as level,
        icb_code as network_code,
        indicator_code,
        achievement_date,
        coalesce(projected_points, 0) as projected_points,
        coalesce(projected_points_low, 0) as projected_points_low,
        coalesce(projected_points_high, 0) as projected_points_high,
        coalesce(projected_income_gbp, 0) as projected_income_gbp,
        coalesce(projected_income_gbp_low, 0) as projected_income_gbp_low,
        coalesce(projected_income_gbp_high, 0) as projected_income_gbp_high
    from {{ ref('fct_icb_indicator_projection') }}

),

expected as (

    select * from by_pcn
    union all
    select * from by_icb

)

select
    networks.level,
    networks.network_code,
    networks.indicator_code,
    networks.achievement_date
from networks
full outer join expected
    on
        networks.level = expected.level
        and networks.network_code = expected.network_code
        and networks.indicator_code = expected.indicator_code
        and networks.achievement_date = expected.achievement_date
where
    networks.network_code is null
    or expected.network_code is null
    or abs(networks.projected_points - expected.projected_points) > 1e-6
    or abs(networks.projected_points_low - expected.projected_points_low) > 1e-6
    or abs(networks.projected_points_high - expected.projected_points_high) > 1e-6
    or abs(networks.projected_income_gbp - expected.projected_income_gbp) > 1e-6
    or abs(networks.projected_income_gbp_low - expected.projected_income_gbp_low) > 1e-6
    or abs(networks.projected_income_gbp_high - expected.projected_income_gbp_high) > 1e-6
