-- One row per practice, threshold indicator, measure (achievement or PCA rate) and comparison
-- group (its PCN and its ICB), for practices with a non-zero denominator: the practice's rate,
-- the group's rate from summed counts (fct_pcn/icb_indicator_achievement), the practice's rank
-- in the group, exact binomial funnel-plot limits at the practice's denominator (95 % and
-- 99.8 %, macros/network/binomial_control_limits.sql) and whether it lies above or below them.

with

registry as (

    select * from {{ ref('qof_indicators') }}
    where qof_year = '{{ var("qof_year") }}'

),

achievement as (

    select * from {{ ref('fct_practice_indicator_achievement') }}

),

pcn_achievement as (

    select * from {{ ref('fct_pcn_indicator_achievement') }}

),

icb_achievement as (

    select * from {{ ref('fct_icb_indicator_achievement') }}

),

threshold_achievement as (

    select
        achievement.practice_code,
        coalesce(achievement.pcn_code, 'UNALIGNED') as pcn_code,
        achievement.icb_code,
        achievement.indicator_code,
        achievement.achievement_date,
        achievement.group_code,
        achievement.numerator,
        achievement.denominator,
        achievement.pca_count
    from achievement
    inner join registry
        on achievement.indicator_code = registry.indicator_code
    where registry.is_automatic and not registry.is_register_indicator

),

practice_measures as (

    {{ funnel_measure_rows(
        'threshold_achievement',
        ['practice_code', 'pcn_code', 'icb_code', 'indicator_code', 'achievement_date', 'group_code']
    ) }}

),

pcn_measures as (

    {{ funnel_measure_rows('pcn_achievement', ['pcn_code', 'indicator_code']) }}

),

icb_measures as (

    {{ funnel_measure_rows('icb_achievement', ['icb_code', 'indicator_code']) }}

),

comparisons as (

    select
        practice_measures.*,
        'pcn' as comparison_level,
        pcn_measures.pcn_code as comparison_code,
        pcn_measures.measure_numerator as comparison_numerator,
        pcn_measures.measure_denominator as comparison_denominator
    from practice_measures
    inner join pcn_measures
        on
            practice_measures.pcn_code = pcn_measures.pcn_code
            and practice_measures.indicator_code = pcn_measures.indicator_code
            and practice_measures.measure = pcn_measures.measure
    where practice_measures.measure_denominator > 0

    union all

    select
        practice_measures.*,
        'icb' as comparison_level,
        icb_measures.icb_code as comparison_code,
        icb_measures.measure_numerator as comparison_numerator,
        icb_measures.measure_denominator as comparison_denominator
    from practice_measures
    inner join icb_measures
        on
            practice_measures.icb_code = icb_measures.icb_code
            and practice_measures.indicator_code = icb_measures.indicator_code
            and practice_measures.measure = icb_measures.measure
    where practice_measures.measure_denominator > 0

),

rates as (

    select
        *,
        measure_numerator / measure_denominator as practice_value,
        comparison_numerator / comparison_denominator as comparison_value
    from comparisons

),

limit_inputs as (

    select
        comparison_value as target_rate,
        measure_denominator as trials
    from rates

),

funnel_limits as (

    {{ binomial_control_limits('limit_inputs') }}

),

positioned as (

    select
        rates.*,
        funnel_limits.lower_limit_95,
        funnel_limits.upper_limit_95,
        funnel_limits.lower_limit_998,
        funnel_limits.upper_limit_998,
        funnel_limits.lower_count_95,
        funnel_limits.upper_count_95,
        funnel_limits.lower_count_998,
        funnel_limits.upper_count_998,
        rank() over (
            partition by rates.comparison_level, rates.comparison_code, rates.indicator_code, rates.measure
            order by rates.practice_value desc
        ) as rank_in_comparison,
        count(*) over (
            partition by rates.comparison_level, rates.comparison_code, rates.indicator_code, rates.measure
        ) as practices_in_comparison
    from rates
    left join funnel_limits
        on
            rates.comparison_value = funnel_limits.target_rate
            and rates.measure_denominator = funnel_limits.trials

),

final as (

    select
        practice_code,
        pcn_code,
        icb_code,
        indicator_code,
        achievement_date,
        group_code,
        measure,
        comparison_level,
        comparison_code,
        cast(measure_numerator as bigint) as measure_numerator,
        cast(measure_denominator as bigint) as measure_denominator,
        cast(practice_value as double) as practice_value,
        cast(comparison_numerator as bigint) as comparison_numerator,
        cast(comparison_denominator as bigint) as comparison_denominator,
        cast(comparison_value as double) as comparison_value,
        cast(practice_value - comparison_value as double) as difference_from_comparison,
        cast(rank_in_comparison as bigint) as rank_in_comparison,
        cast(practices_in_comparison as bigint) as practices_in_comparison,
        cast(lower_limit_95 as double) as lower_limit_95,
        cast(upper_limit_95 as double) as upper_limit_95,
        cast(lower_limit_998 as double) as lower_limit_998,
        cast(upper_limit_998 as double) as upper_limit_998,
        {{ funnel_outlier_flag('measure_numerator', 'lower_count_95', 'upper_count_95') }} as outlier_95,
        {{ funnel_outlier_flag('measure_numerator', 'lower_count_998', 'upper_count_998') }} as outlier_998
    from positioned

)

select * from final
