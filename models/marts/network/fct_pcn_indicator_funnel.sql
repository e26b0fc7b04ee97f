-- One row per PCN, threshold indicator and measure (achievement or PCA rate), for PCNs with a
-- non-zero denominator: the PCN's rate and the ICB's, both from summed practice counts, the
-- PCN's rank among the ICB's PCNs, exact binomial funnel-plot limits at the PCN's denominator
-- (95 % and 99.8 %) and whether it lies above or below them.

with

registry as (

    select * from {{ ref('qof_indicators') }}
    where qof_year = '{{ var("qof_year") }}'

),

pcn_achievement as (

    select * from {{ ref('fct_pcn_indicator_achievement') }}

),

icb_achievement as (

    select * from {{ ref('fct_icb_indicator_achievement') }}

),

threshold_achievement as (

    select pcn_achievement.*
    from pcn_achievement
    inner join registry
        on pcn_achievement.indicator_code = registry.indicator_code
    where registry.is_automatic and not registry.is_register_indicator

),

pcn_measures as (

    {{ funnel_measure_rows(
        'threshold_achievement',
        ['pcn_code', 'pcn_name', 'icb_code', 'indicator_code', 'achievement_date', 'group_code', 'practice_count']
    ) }}

),

icb_measures as (

    {{ funnel_measure_rows('icb_achievement', ['icb_code', 'indicator_code']) }}

),

comparisons as (

    select
        pcn_measures.*,
        icb_measures.measure_numerator as comparison_numerator,
        icb_measures.measure_denominator as comparison_denominator
    from pcn_measures
    inner join icb_measures
        on
            pcn_measures.icb_code = icb_measures.icb_code
            and pcn_measures.indicator_code = icb_measures.indicator_code
            and pcn_measures.measure = icb_measures.measure
    where pcn_measures.measure_denominator > 0

),

rates as (

    select
        *,
        measure_numerator / measure_denominator as pcn_value,
        comparison_numerator / comparison_denominator as icb_value
    from comparisons

),

limit_inputs as (

    select
        icb_value as target_rate,
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
            partition by rates.icb_code, rates.indicator_code, rates.measure
            order by rates.pcn_value desc
        ) as rank_in_icb,
        count(*) over (partition by rates.icb_code, rates.indicator_code, rates.measure) as pcns_in_icb
    from rates
    left join funnel_limits
        on
            rates.icb_value = funnel_limits.target_rate
            and rates.measure_denominator = funnel_limits.trials

),

final as (

    select
        pcn_code,
        pcn_name,
        icb_code,
        indicator_code,
        achievement_date,
        group_code,
        measure,
        cast(practice_count as bigint) as practice_count,
        cast(measure_numerator as bigint) as measure_numerator,
        cast(measure_denominator as bigint) as measure_denominator,
        cast(pcn_value as double) as pcn_value,
        cast(comparison_numerator as bigint) as icb_numerator,
        cast(comparison_denominator as bigint) as icb_denominator,
        cast(icb_value as double) as icb_value,
        cast(pcn_value - icb_value as double) as difference_from_icb,
        cast(rank_in_icb as bigint) as rank_in_icb,
        cast(pcns_in_icb as bigint) as pcns_in_icb,
        cast(lower_limit_95 as double) as lower_limit_95,
        cast(upper_limit_95 as double) as upper_limit_95,
        cast(lower_limit_998 as double) as lower_limit_998,
        cast(upper_limit_998 as double) as upper_limit_998,
        {{ funnel_outlier_flag('measure_numerator', 'lower_count_95', 'upper_count_95') }} as outlier_95,
        {{ funnel_outlier_flag('measure_numerator', 'lower_count_998', 'upper_count_998') }} as outlier_998
    from positioned

)

select * from final
