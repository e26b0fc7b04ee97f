-- One row per practice and indicator: the points paid and their value in pounds, as NHS
-- England pays them (qof_rules.md 1.1):
--   income = paid points x pounds per point x CPI x APDF, where
--   CPI  = practice list size at the year's list-size date (1 January) / national average list size,
--   APDF = practice register prevalence / national prevalence, for prevalence-adjusted
--          indicators only (1 otherwise).
-- Income-protected indicators are paid on the achieved points of the year's protection basis
-- year when the optional prior-year result holds them (qof_rules.md 1.2). When the prior-year
-- result holds the previous QOF year, the aspiration payment advanced in the year is
-- aspiration rate x last year's points valued at this year's pounds per point, CPI and APDF,
-- and the year-end balancing payment is income less aspiration.
-- Indicators listed in qof_combined_prevalence_registers (SMOK002, SMOK005, CHOL) have no
-- register of their own: when the seed switches their prevalence adjustment on, the APDF uses
-- the practice's patients on any of the listed registers (each counted once) against the same
-- figure over the whole extract (no national figure is published), flagged provisional
-- (docs/reference_data.md). Every row says whether its pounds rest on a provisional threshold
-- or a provisional prevalence figure.

with

achievement as (

    select * from {{ ref('fct_practice_indicator_achievement') }}

),

registry as (

    select * from {{ ref('qof_indicators') }}
    where qof_year = '{{ var("qof_year") }}'

),

payment_parameters as (

    select * from {{ ref('qof_payment_parameters') }}
    where qof_year = '{{ var("qof_year") }}'

),

income_rules as (

    select * from {{ ref('qof_income_rules') }}

),

prior_year_results as (

    select * from {{ ref('qof_prior_year_achievement') }}

),

list_sizes as (

    select * from {{ ref('int_practice_list_sizes') }}

),

prevalence as (

    select * from {{ ref('fct_practice_prevalence') }}

),

combined_prevalence_registers as (

    select * from {{ ref('qof_combined_prevalence_registers') }}

),

registers as (

    select * from {{ ref('int_registers') }}

),

national_prevalence as (

    {% if var('national_prevalence_source') == 'extract' -%}
        select
            register_code,
            sum(register) / nullif(sum(list_size), 0) as national_prevalence,
            false as is_provisional
        from prevalence
        group by register_code
    {%- else -%}
        select
            register_code,
            cast(national_prevalence as double) as national_prevalence,
            cast(is_provisional as boolean) as is_provisional
        from {{ ref('qof_national_prevalence') }}
        where
            qof_year = '{{ var("qof_year") }}'
            and prevalence_basis = 'whole_list'
    {%- endif %}

),

practice_lists as (

    select
        practice_code,
        max(list_size) as list_size
    from prevalence
    group by practice_code

),

combined_indicators as (

    select distinct indicator_code from combined_prevalence_registers

),

combined_register_counts as (

    select
        combined_prevalence_registers.indicator_code,
        registers.practice_code,
        count(distinct registers.patient_id) as register
    from combined_prevalence_registers
    inner join registers
        on combined_prevalence_registers.register_code = registers.register_code
    group by combined_prevalence_registers.indicator_code, registers.practice_code

),

combined_prevalence as (

    select
        combined_indicators.indicator_code,
        practice_lists.practice_code,
        coalesce(combined_register_counts.register, 0) as register,
        practice_lists.list_size,
        coalesce(combined_register_counts.register, 0) / nullif(practice_lists.list_size, 0) as prevalence
    from combined_indicators
    cross join practice_lists
    left join combined_register_counts
        on
            combined_indicators.indicator_code = combined_register_counts.indicator_code
            and practice_lists.practice_code = combined_register_counts.practice_code

),

combined_national_prevalence as (

    select
        indicator_code,
        sum(register) / nullif(sum(list_size), 0) as national_prevalence
    from combined_prevalence
    group by indicator_code

),

previous_year_points as (

    select
        practice_code,
        indicator_code,
        achieved_points
    from prior_year_results
    where qof_year = '{{ previous_qof_year(var("qof_year")) }}'

),

practices_with_previous_year as (

    select distinct practice_code from previous_year_points

),

protection_basis_points as (

    select
        prior_year_results.practice_code,
        prior_year_results.indicator_code,
        prior_year_results.achieved_points
    from prior_year_results
    inner join income_rules
        on prior_year_results.qof_year = income_rules.protected_points_basis_qof_year
    where income_rules.qof_year = '{{ var("qof_year") }}'

),

factors as (

    select
        achievement.practice_code,
        achievement.pcn_code,
        achievement.icb_code,
        achievement.indicator_code,
        achievement.group_code,
        achievement.register_code,
        achievement.max_points,
        achievement.points as achieved_points,
        registry.is_prevalence_adjusted,
        registry.is_income_protected,
        coalesce(registry.is_provisional_threshold, false) as is_provisional_threshold,
        combined_indicators.indicator_code is not null as has_combined_prevalence_basis,
        coalesce(national_prevalence.is_provisional, false) as is_national_prevalence_provisional,
        protection_basis_points.achieved_points as protection_basis_points,
        practices_with_previous_year.practice_code is not null as has_previous_year_result,
        coalesce(previous_year_points.achieved_points, 0) as previous_year_points,
        cast(payment_parameters.pounds_per_point as double) as pounds_per_point,
        cast(payment_parameters.aspiration_rate as double) as aspiration_rate,
        income_rules.aspiration_instalments_per_year,
        list_sizes.list_size_at_list_size_date as cpi_list_size,
        list_sizes.list_size_at_list_size_date
        / payment_parameters.national_average_list_size as cpi,
        coalesce(prevalence.prevalence, combined_prevalence.prevalence) as practice_prevalence,
        coalesce(
            national_prevalence.national_prevalence, combined_national_prevalence.national_prevalence
        ) as national_prevalence
    from achievement
    inner join registry
        on achievement.indicator_code = registry.indicator_code
    cross join payment_parameters
    left join income_rules
        on payment_parameters.qof_year = income_rules.qof_year
    left join list_sizes
        on achievement.practice_code = list_sizes.practice_code
    left join prevalence
        on
            achievement.practice_code = prevalence.practice_code
            and achievement.register_code = prevalence.register_code
    left join national_prevalence
        on achievement.register_code = national_prevalence.register_code
    left join combined_indicators
        on achievement.indicator_code = combined_indicators.indicator_code
    left join combined_prevalence
        on
            achievement.indicator_code = combined_prevalence.indicator_code
            and achievement.practice_code = combined_prevalence.practice_code
    left join combined_national_prevalence
        on achievement.indicator_code = combined_national_prevalence.indicator_code
    left join protection_basis_points
        on
            achievement.practice_code = protection_basis_points.practice_code
            and achievement.indicator_code = protection_basis_points.indicator_code
    left join practices_with_previous_year
        on achievement.practice_code = practices_with_previous_year.practice_code
    left join previous_year_points
        on
            achievement.practice_code = previous_year_points.practice_code
            and achievement.indicator_code = previous_year_points.indicator_code

),

adjusted as (

    select
        *,
        case
            when not is_prevalence_adjusted then 1.0
            when national_prevalence is null or national_prevalence = 0 then null
            else coalesce(practice_prevalence, 0) / national_prevalence
        end as apdf,
        case
            when not is_prevalence_adjusted then 'not_adjusted'
            when has_combined_prevalence_basis then 'combined_registers'
            else 'register'
        end as prevalence_basis,
        has_combined_prevalence_basis
        or (is_prevalence_adjusted and is_national_prevalence_provisional) as is_provisional_prevalence
    from factors

),

paid as (

    select
        *,
        case
            when is_income_protected and protection_basis_points is not null then 'protected_basis_year'
            when is_income_protected then 'protected_no_basis_year_result'
            else 'achieved'
        end as points_basis,
        case
            when is_income_protected and protection_basis_points is not null then protection_basis_points
            else achieved_points
        end as paid_points,
        pounds_per_point * cpi * apdf as pounds_per_point_adjusted
    from adjusted

),

valued as (

    select
        *,
        paid_points * pounds_per_point_adjusted as income_gbp,
        case
            when has_previous_year_result
                then aspiration_rate * previous_year_points * pounds_per_point_adjusted
        end as aspiration_gbp
    from paid

),

final as (

    select
        practice_code,
        pcn_code,
        icb_code,
        indicator_code,
        {{ achievement_date() }} as achievement_date,
        '{{ var("qof_year") }}' as qof_year,
        group_code,
        register_code,
        cast(max_points as double) as max_points,
        cast(achieved_points as double) as achieved_points,
        is_income_protected,
        points_basis,
        cast(paid_points as double) as paid_points,
        cast(pounds_per_point as double) as pounds_per_point,
        cast(cpi_list_size as bigint) as cpi_list_size,
        cast(cpi as double) as cpi,
        is_prevalence_adjusted,
        prevalence_basis,
        cast(practice_prevalence as double) as practice_prevalence,
        cast(national_prevalence as double) as national_prevalence,
        cast(apdf as double) as apdf,
        is_provisional_threshold,
        is_provisional_prevalence,
        cast(pounds_per_point_adjusted as double) as pounds_per_point_adjusted,
        cast(income_gbp as double) as income_gbp,
        has_previous_year_result,
        cast(case when has_previous_year_result then previous_year_points end as double) as previous_year_points,
        cast(aspiration_gbp as double) as aspiration_gbp,
        cast(aspiration_gbp / aspiration_instalments_per_year as double) as aspiration_monthly_gbp,
        cast(income_gbp - aspiration_gbp as double) as balancing_payment_gbp
    from valued

)

select * from final
