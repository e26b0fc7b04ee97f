-- One row per practice and threshold indicator: what would change if the practice's PCA use
-- fell to the median PCA rate of its PCN's practices. The median is taken over member
-- practices with eligible patients and kept as an exact fraction, so the practice at the
-- median returns no one. Patients returned = PCAs above floor(median x eligible). Two
-- outcomes bound the change: every returned patient achieves the indicator (numerator and
-- denominator both grow) or none does (only the denominator grows).

with

achievement as (

    select * from {{ ref('fct_practice_indicator_achievement') }}

),

registry as (

    select * from {{ ref('qof_indicators') }}
    where qof_year = '{{ var("qof_year") }}'

),

income as (

    select * from {{ ref('fct_practice_income') }}

),

threshold_indicators as (

    select
        achievement.practice_code,
        coalesce(achievement.pcn_code, 'UNALIGNED') as pcn_code,
        achievement.icb_code,
        achievement.indicator_code,
        achievement.achievement_date,
        achievement.group_code,
        registry.is_income_protected,
        registry.lower_threshold,
        registry.upper_threshold,
        registry.points as max_points,
        achievement.denominator,
        achievement.numerator,
        achievement.pca_count,
        achievement.denominator + achievement.pca_count as eligible,
        achievement.points,
        income.pounds_per_point_adjusted
    from achievement
    inner join registry
        on achievement.indicator_code = registry.indicator_code
    inner join income
        on
            achievement.practice_code = income.practice_code
            and achievement.indicator_code = income.indicator_code
    where
        registry.is_automatic
        and not registry.is_register_indicator
        and registry.lower_threshold is not null
        and registry.upper_threshold is not null

),

ordered_rates as (

    select
        pcn_code,
        indicator_code,
        pca_count,
        eligible,
        row_number() over (
            partition by pcn_code, indicator_code
            order by pca_count / eligible, practice_code
        ) as rate_order,
        count(*) over (partition by pcn_code, indicator_code) as practices_with_eligible
    from threshold_indicators
    where eligible > 0

),

pcn_medians as (

    -- median = (a1 / b1 + a2 / b2) / 2 over the one or two middle practices, as a fraction
    select
        pcn_code,
        indicator_code,
        any_value(practices_with_eligible) as practices_with_eligible,
        min(pca_count) filter (where rate_order = (practices_with_eligible + 1) // 2) as lower_middle_pcas,
        min(eligible) filter (where rate_order = (practices_with_eligible + 1) // 2) as lower_middle_eligible,
        min(pca_count) filter (where rate_order = practices_with_eligible // 2 + 1) as upper_middle_pcas,
        min(eligible) filter (where rate_order = practices_with_eligible // 2 + 1) as upper_middle_eligible
    from ordered_rates
    group by pcn_code, indicator_code

),

median_fractions as (

    select
        pcn_code,
        indicator_code,
        practices_with_eligible,
        lower_middle_pcas * upper_middle_eligible + upper_middle_pcas * lower_middle_eligible as median_numerator,
        2 * lower_middle_eligible * upper_middle_eligible as median_denominator
    from pcn_medians

),

scenario as (

    select
        threshold_indicators.*,
        median_fractions.practices_with_eligible as pcn_practices_with_eligible,
        median_fractions.median_numerator / median_fractions.median_denominator as pcn_median_pca_rate,
        case
            when threshold_indicators.eligible > 0
                then
                    (threshold_indicators.eligible * median_fractions.median_numerator)
                    // median_fractions.median_denominator
        end as pca_count_at_pcn_median
    from threshold_indicators
    left join median_fractions
        on
            threshold_indicators.pcn_code = median_fractions.pcn_code
            and threshold_indicators.indicator_code = median_fractions.indicator_code

),

returned as (

    select
        *,
        case
            when eligible > 0 then greatest(pca_count - pca_count_at_pcn_median, 0)
        end as patients_returned
    from scenario

),

rescored as (

    select
        *,
        {{ threshold_points(
            '(numerator + patients_returned)', '(denominator + patients_returned)',
            'lower_threshold', 'upper_threshold', 'max_points'
        ) }} as points_if_returned_achieved,
        {{ threshold_points(
            'numerator', '(denominator + patients_returned)', 'lower_threshold', 'upper_threshold', 'max_points'
        ) }} as points_if_returned_not_achieved
    from returned
    where patients_returned is not null

),

valued as (

    select
        *,
        case
            when is_income_protected then 0.0
            else (points_if_returned_achieved - points) * pounds_per_point_adjusted
        end as gbp_change_if_returned_achieved,
        case
            when is_income_protected then 0.0
            else (points_if_returned_not_achieved - points) * pounds_per_point_adjusted
        end as gbp_change_if_returned_not_achieved
    from rescored

),

final as (

    select
        practice_code,
        pcn_code,
        icb_code,
        indicator_code,
        achievement_date,
        group_code,
        is_income_protected,
        cast(denominator as bigint) as denominator,
        cast(numerator as bigint) as numerator,
        cast(pca_count as bigint) as pca_count,
        cast(eligible as bigint) as eligible,
        cast(pca_count / eligible as double) as pca_rate,
        cast(pcn_practices_with_eligible as bigint) as pcn_practices_with_eligible,
        cast(pcn_median_pca_rate as double) as pcn_median_pca_rate,
        cast(pca_count_at_pcn_median as bigint) as pca_count_at_pcn_median,
        cast(patients_returned as bigint) as patients_returned,
        cast(points as double) as points,
        cast(pounds_per_point_adjusted as double) as pounds_per_point_adjusted,
        cast((numerator + patients_returned) / nullif(denominator + patients_returned, 0) as double)
            as achievement_if_returned_achieved,
        cast(points_if_returned_achieved as double) as points_if_returned_achieved,
        cast(gbp_change_if_returned_achieved as double) as gbp_change_if_returned_achieved,
        cast(numerator / nullif(denominator + patients_returned, 0) as double)
            as achievement_if_returned_not_achieved,
        cast(points_if_returned_not_achieved as double) as points_if_returned_not_achieved,
        cast(gbp_change_if_returned_not_achieved as double) as gbp_change_if_returned_not_achieved,
        cast(row_number() over (
            partition by practice_code
            order by gbp_change_if_returned_achieved desc, patients_returned desc, indicator_code asc
        ) as bigint) as opportunity_rank_in_practice
    from valued

)

select * from final
