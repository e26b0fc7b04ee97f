-- A practice's year from the marts alone: income by indicator, its ten biggest opportunities
-- in pounds, its position in its PCN's funnel for every indicator and its path month by month.
-- Choose the practice with `--vars '{practice_code: A81001}'`; without it, every practice.

{%- set practice_code = var('practice_code', none) %}
{%- set practice_filter = "practice_code = '" ~ practice_code ~ "'" if practice_code else 'true' %}

with

income as (

    select
        practice_code,
        'income' as section,
        indicator_code,
        paid_points as figure,
        income_gbp as gbp,
        points_basis as note,
        cast(null as date) as achievement_date
    from {{ ref('fct_practice_income') }}
    where {{ practice_filter }}

),

opportunities as (

    select
        practice_code,
        'opportunity' as section,
        indicator_code,
        cast(patients_to_upper_threshold as double) as figure,
        gbp_at_upper_threshold as gbp,
        opportunity_status as note,
        cast(null as date) as achievement_date
    from {{ ref('fct_practice_income_opportunities') }}
    where
        {{ practice_filter }}
        and opportunity_rank_in_practice <= 10

),

funnel as (

    select
        practice_code,
        'pcn_funnel' as section,
        indicator_code,
        practice_value as figure,
        cast(null as double) as gbp,
        measure || ': ' || outlier_998 || ', rank ' || rank_in_comparison || ' of ' || practices_in_comparison as note,
        cast(null as date) as achievement_date
    from {{ ref('fct_practice_indicator_funnel') }}
    where
        {{ practice_filter }}
        and comparison_level = 'pcn'

),

trajectory as (

    select
        practice_code,
        'trajectory' as section,
        indicator_code,
        points as figure,
        income_gbp as gbp,
        'last year: ' || coalesce(cast(points_last_year as varchar), 'not built') as note,
        achievement_date
    from {{ ref('fct_practice_indicator_trajectory') }}
    where {{ practice_filter }}

),

final as (

    select * from income
    union all
    select * from opportunities
    union all
    select * from funnel
    union all
    select * from trajectory

)

select * from final
order by practice_code asc, section asc, indicator_code asc, achievement_date asc
