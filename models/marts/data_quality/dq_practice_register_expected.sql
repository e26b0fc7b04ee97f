-- One row per practice and built disease register: patients on the register against the
-- number expected from the practice's own age and sex structure at the age-band and sex
-- rates of the whole extract (indirect standardisation). A register far below expectation
-- (qof_dq_thresholds) suggests patients coded outside the QOF cluster, or not coded at all.

with

practices as (

    select practice_code from {{ ref('stg_gp_extract__practices') }}

),

population as (

    select
        patient_id,
        practice_code,
        sex,
        cast(
            floor(age / {{ dq_threshold('register_under_coding', 'age_band_years') }})
            * {{ dq_threshold('register_under_coding', 'age_band_years') }} as integer
        ) as age_band
    from {{ ref('int_population') }}

),

registers as (

    select
        patient_id,
        practice_code,
        register_code
    from {{ ref('fct_patient_register') }}

),

register_codes as (

    select distinct register_code from registers

),

practice_cells as (

    select
        practice_code,
        age_band,
        sex,
        count(*) as persons
    from population
    group by practice_code, age_band, sex

),

extract_cells as (

    select
        age_band,
        sex,
        sum(persons) as persons
    from practice_cells
    group by age_band, sex

),

register_cells as (

    select
        registers.register_code,
        population.age_band,
        population.sex,
        count(*) as register_count
    from registers
    inner join population
        on registers.patient_id = population.patient_id
    group by registers.register_code, population.age_band, population.sex

),

cell_rates as (

    select
        register_codes.register_code,
        extract_cells.age_band,
        extract_cells.sex,
        coalesce(register_cells.register_count, 0) / extract_cells.persons as rate
    from register_codes
    cross join extract_cells
    left join register_cells
        on
            register_codes.register_code = register_cells.register_code
            and extract_cells.age_band = register_cells.age_band
            and extract_cells.sex = register_cells.sex

),

expected as (

    select
        practice_cells.practice_code,
        cell_rates.register_code,
        {{ exact_sum('practice_cells.persons * cell_rates.rate') }} as expected_register
    from practice_cells
    inner join cell_rates
        on
            practice_cells.age_band = cell_rates.age_band
            and practice_cells.sex = cell_rates.sex
    group by practice_cells.practice_code, cell_rates.register_code

),

observed as (

    select
        practice_code,
        register_code,
        count(*) as observed_register
    from registers
    group by practice_code, register_code

),

compared as (

    select
        practices.practice_code,
        register_codes.register_code,
        coalesce(observed.observed_register, 0) as observed_register,
        round(coalesce(expected.expected_register, 0), 6) as expected_register
    from practices
    cross join register_codes
    left join observed
        on
            practices.practice_code = observed.practice_code
            and register_codes.register_code = observed.register_code
    left join expected
        on
            practices.practice_code = expected.practice_code
            and register_codes.register_code = expected.register_code

),

final as (

    select
        practice_code,
        register_code,
        observed_register,
        cast(expected_register as double) as expected_register,
        cast(
            case when expected_register > 0 then round(observed_register / expected_register, 6) end as double
        ) as observed_to_expected,
        coalesce(
            expected_register >= {{ dq_threshold('register_under_coding', 'min_expected') }}
            and observed_register / expected_register
            < {{ dq_threshold('register_under_coding', 'max_ratio') }},
            false
        ) as is_far_below_expected
    from compared

)

select * from final
