-- One row per practice and indicator: points and their value in pounds, as NHS England pays
-- them (qof_rules.md 1.1): points x pounds per point x CPI x APDF, where
--   CPI  = practice list size at the list-size date / national average list size, and
--   APDF = practice register prevalence / national prevalence, for prevalence-adjusted
--          indicators only (1 otherwise).

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

list_sizes as (

    select * from {{ ref('int_practice_list_sizes') }}

),

prevalence as (

    select * from {{ ref('fct_practice_prevalence') }}

),

national_prevalence as (

    {% if var('national_prevalence_source') == 'extract' -%}
        select
            register_code,
            sum(register) / nullif(sum(list_size), 0) as national_prevalence
        from prevalence
        group by register_code
    {%- else -%}
        select
            register_code,
            national_prevalence
        from {{ ref('qof_national_prevalence') }}
        where
            qof_year = '{{ var("qof_year") }}'
            and prevalence_basis = 'whole_list'
    {%- endif %}

),

factors as (

    select
        achievement.practice_code,
        achievement.indicator_code,
        achievement.register_code,
        achievement.points,
        registry.is_prevalence_adjusted,
        payment_parameters.pounds_per_point,
        list_sizes.list_size_at_list_size_date
        / payment_parameters.national_average_list_size as cpi,
        case
            when not registry.is_prevalence_adjusted then 1.0
            when national_prevalence.national_prevalence is null or national_prevalence.national_prevalence = 0
                then null
            else coalesce(prevalence.prevalence, 0) / national_prevalence.national_prevalence
        end as apdf
    from achievement
    inner join registry
        on achievement.indicator_code = registry.indicator_code
    cross join payment_parameters
    left join list_sizes
        on achievement.practice_code = list_sizes.practice_code
    left join prevalence
        on
            achievement.practice_code = prevalence.practice_code
            and achievement.register_code = prevalence.register_code
    left join national_prevalence
        on achievement.register_code = national_prevalence.register_code

),

final as (

    select
        practice_code,
        indicator_code,
        {{ achievement_date() }} as achievement_date,
        cast(points as double) as points,
        cast(pounds_per_point as double) as pounds_per_point,
        cast(cpi as double) as cpi,
        cast(apdf as double) as apdf,
        is_prevalence_adjusted,
        cast(points * pounds_per_point * cpi * apdf as double) as income_gbp
    from factors

)

select * from final
