-- One row per practice and disease register: register size, registered list size at the
-- achievement date and raw prevalence (register / whole list, the APDF basis), plus the
-- age-specific list of the register (patients old enough to be on it) and that prevalence.

with

practices as (

    select practice_code from {{ ref('stg_gp_extract__practices') }}

),

register_rules as (

    select * from {{ ref('qof_registers') }}

),

registers as (

    select * from {{ ref('int_registers') }}

),

population as (

    select * from {{ ref('int_population') }}

),

built_registers as (

    select distinct register_code from registers

),

register_counts as (

    select
        practice_code,
        register_code,
        count(*) as register
    from registers
    group by practice_code, register_code

),

list_sizes as (

    select
        population.practice_code,
        register_rules.register_code,
        count(*) as list_size,
        count_if(
            population.age >= coalesce(register_rules.min_age, 0)
            and population.age <= coalesce(register_rules.max_age, 200)
        )::bigint as age_specific_list_size
    from population
    cross join register_rules
    group by population.practice_code, register_rules.register_code

),

final as (

    select
        practices.practice_code,
        register_rules.register_code,
        register_rules.register_name,
        {{ achievement_date() }} as achievement_date,
        coalesce(register_counts.register, 0) as register,
        coalesce(list_sizes.list_size, 0) as list_size,
        case
            when coalesce(list_sizes.list_size, 0) = 0 then null
            else coalesce(register_counts.register, 0) / list_sizes.list_size
        end as prevalence,
        coalesce(list_sizes.age_specific_list_size, 0) as age_specific_list_size,
        case
            when coalesce(list_sizes.age_specific_list_size, 0) = 0 then null
            else coalesce(register_counts.register, 0) / list_sizes.age_specific_list_size
        end as age_specific_prevalence
    from practices
    cross join register_rules
    inner join built_registers
        on register_rules.register_code = built_registers.register_code
    left join register_counts
        on
            practices.practice_code = register_counts.practice_code
            and register_rules.register_code = register_counts.register_code
    left join list_sizes
        on
            practices.practice_code = list_sizes.practice_code
            and register_rules.register_code = list_sizes.register_code

)

select * from final
