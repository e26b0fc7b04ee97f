-- Funnel comparison rates come from summed counts: each PCN's and ICB's numerator and
-- denominator in the practice funnel, and each PCN's counts in the PCN funnel, equal the sums
-- over member practices. Returns the rows that do not reconcile.

with

achievement as (

    select
        practice_code,
        coalesce(pcn_code, 'UNALIGNED') as pcn_code,
        icb_code,
        indicator_code,
        numerator,
        denominator,
        pca_count
    from {{ ref('fct_practice_indicator_achievement') }}

),

practice_counts as (

    select
        'pcn' as comparison_level,
        pcn_code as comparison_code,
        indicator_code,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        sum(pca_count) as pca_count
    from achievement
    group by pcn_code, indicator_code

    union all

    select
        'icb' as comparison_level,
        icb_code as comparison_code,
        indicator_code,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        sum(pca_count) as pca_count
    from achievement
    group by icb_code, indicator_code

),

expected as (

    select
        comparison_level,
        comparison_code,
        indicator_code,
        'achievement' as measure,
        numerator as measure_numerator,
        denominator as measure_denominator
    from practice_counts

    union all

    select
        comparison_level,
        comparison_code,
        indicator_code,
        'pca_rate' as measure,
        pca_count as measure_numerator,
        denominator + pca_count as measure_denominator
    from practice_counts

),

funnel_comparisons as (

    select distinct
        comparison_level,
        comparison_code,
        indicator_code,
        measure,
        comparison_numerator as measure_numerator,
        comparison_denominator as measure_denominator
    from {{ ref('fct_practice_indicator_funnel') }}

    union all

    select
        'pcn' as comparison_level,
        pcn_code as comparison_code,
        indicator_code,
        measure,
        measure_numerator,
        measure_denominator
    from {{ ref('fct_pcn_indicator_funnel') }}

)

select
    funnel_comparisons.comparison_level,
    funnel_comparisons.comparison_code,
    funnel_comparisons.indicator_code,
    funnel_comparisons.measure
from funnel_comparisons
left join expected
    on
        funnel_comparisons.comparison_level = expected.comparison_level
        and funnel_comparisons.comparison_code = expected.comparison_code
        and funnel_comparisons.indicator_code = expected.indicator_code
        and funnel_comparisons.measure = expected.measure
where
    expected.comparison_code is null
    or funnel_comparisons.measure_numerator != expected.measure_numerator
    or funnel_comparisons.measure_denominator != expected.measure_denominator
