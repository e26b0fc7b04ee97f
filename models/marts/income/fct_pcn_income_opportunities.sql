-- One row per PCN and indicator: member practices' patients still needed and the pounds they
-- would bring, summed (each practice's opportunity is worked out against its own count and
-- paid at its own CPI and APDF, as QOF pays practices, not networks). Ranked by pounds at the
-- upper threshold within the PCN.

with

practice_opportunities as (

    select * from {{ ref('fct_practice_income_opportunities') }}

),

summed as (

    select
        pcn_code,
        indicator_code,
        any_value(icb_code) as icb_code,
        any_value(achievement_date) as achievement_date,
        any_value(group_code) as group_code,
        count(*) as practice_count,
        count(*) filter (where gbp_at_upper_threshold > 0) as practices_with_opportunity,
        sum(denominator) as denominator,
        sum(numerator) as numerator,
        sum(patients_to_next_point) as patients_to_next_point,
        {{ exact_sum('gbp_at_next_point') }} as gbp_at_next_point,
        sum(patients_to_upper_threshold) as patients_to_upper_threshold,
        {{ exact_sum('points_gained_at_upper_threshold') }} as points_gained_at_upper_threshold,
        {{ exact_sum('gbp_at_upper_threshold') }} as gbp_at_upper_threshold
    from practice_opportunities
    group by pcn_code, indicator_code

),

final as (

    select
        pcn_code,
        icb_code,
        indicator_code,
        achievement_date,
        group_code,
        cast(practice_count as bigint) as practice_count,
        cast(practices_with_opportunity as bigint) as practices_with_opportunity,
        cast(denominator as bigint) as denominator,
        cast(numerator as bigint) as numerator,
        cast(patients_to_next_point as bigint) as patients_to_next_point,
        cast(gbp_at_next_point as double) as gbp_at_next_point,
        cast(patients_to_upper_threshold as bigint) as patients_to_upper_threshold,
        cast(points_gained_at_upper_threshold as double) as points_gained_at_upper_threshold,
        cast(gbp_at_upper_threshold as double) as gbp_at_upper_threshold,
        cast(row_number() over (
            partition by pcn_code
            order by gbp_at_upper_threshold desc nulls last, indicator_code asc
        ) as bigint) as opportunity_rank_in_pcn
    from summed

)

select * from final
