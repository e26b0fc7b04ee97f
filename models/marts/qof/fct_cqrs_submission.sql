-- Practice results in the layout NHS Digital publishes and CQRS collects: one row per
-- practice, indicator and measure (REGISTER, NUMERATOR, DENOMINATOR, PCAS, ACHIEVED_POINTS).
-- Register indicators report REGISTER and ACHIEVED_POINTS; attested (QI) indicators report
-- ACHIEVED_POINTS only. Points are rounded to 2 decimal places, as published.

with

achievement as (

    select * from {{ ref('fct_practice_indicator_achievement') }}

),

registry as (

    select * from {{ ref('qof_indicators') }}
    where qof_year = '{{ var("qof_year") }}'

),

results as (

    select
        achievement.practice_code,
        achievement.indicator_code,
        registry.is_register_indicator,
        registry.is_automatic,
        achievement.register,
        achievement.numerator,
        achievement.denominator,
        achievement.pca_count,
        achievement.points
    from achievement
    inner join registry
        on achievement.indicator_code = registry.indicator_code

),

measures as (

    select
        practice_code,
        indicator_code,
        'REGISTER' as measure,
        cast(register as double) as value
    from results
    where is_automatic

    union all

    select
        practice_code,
        indicator_code,
        'NUMERATOR' as measure,
        cast(numerator as double) as value
    from results
    where is_automatic and not is_register_indicator

    union all

    select
        practice_code,
        indicator_code,
        'DENOMINATOR' as measure,
        cast(denominator as double) as value
    from results
    where is_automatic and not is_register_indicator

    union all

    select
        practice_code,
        indicator_code,
        'PCAS' as measure,
        cast(pca_count as double) as value
    from results
    where is_automatic and not is_register_indicator

    union all

    select
        practice_code,
        indicator_code,
        'ACHIEVED_POINTS' as measure,
        round(points, 2) as value
    from results

),

final as (

    select
        practice_code,
        indicator_code,
        measure,
        value
    from measures

)

select * from final
