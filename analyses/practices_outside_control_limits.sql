-- Practices outside the 99.8 % funnel limits of their PCN or ICB for achievement: the count is
-- so far from the group's rate that chance alone would put it there less than 1 time in 1,000.

with

funnel as (

    select * from {{ ref('fct_practice_indicator_funnel') }}

),

final as (

    select
        comparison_level,
        comparison_code,
        indicator_code,
        practice_code,
        outlier_998,
        measure_numerator,
        measure_denominator,
        practice_value,
        comparison_value,
        lower_limit_998,
        upper_limit_998,
        rank_in_comparison,
        practices_in_comparison
    from funnel
    where
        measure = 'achievement'
        and outlier_998 != 'within'

)

select * from final
order by comparison_level, comparison_code, indicator_code, practice_value
