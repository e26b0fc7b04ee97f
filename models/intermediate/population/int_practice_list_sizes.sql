-- Registered list sizes per practice: at the achievement date (prevalence) and at the
-- list-size date of the QOF year (1 January, used for the Contractor Population Index).

with

practices as (

    select practice_code from {{ ref('stg_gp_extract__practices') }}

),

payment_parameters as (

    select list_size_date
    from {{ ref('qof_payment_parameters') }}
    where qof_year = '{{ var("qof_year") }}'

),

population_at_achievement as (

    select * from {{ ref('int_population') }}

),

registrations as (

    select * from {{ ref('stg_gp_extract__registrations') }}
    where registration_type = 'GMS'

),

patients as (

    select * from {{ ref('stg_gp_extract__patients') }}

),

registered_at_list_size_date as (

    select distinct on (registrations.patient_id)
        registrations.patient_id,
        registrations.practice_code
    from registrations
    cross join payment_parameters
    inner join patients
        on registrations.patient_id = patients.patient_id
    where
        registrations.start_date <= payment_parameters.list_size_date
        and (registrations.end_date is null or registrations.end_date > payment_parameters.list_size_date)
        and (patients.date_of_death is null or patients.date_of_death > payment_parameters.list_size_date)
    order by registrations.patient_id asc, registrations.start_date desc, registrations.practice_code asc

),

list_at_achievement as (

    select
        practice_code,
        count(*) as list_size
    from population_at_achievement
    group by practice_code

),

list_at_list_size_date as (

    select
        practice_code,
        count(*) as list_size
    from registered_at_list_size_date
    group by practice_code

),

final as (

    select
        practices.practice_code,
        {{ achievement_date() }} as achievement_date,
        coalesce(list_at_achievement.list_size, 0) as list_size,
        payment_parameters.list_size_date,
        coalesce(list_at_list_size_date.list_size, 0) as list_size_at_list_size_date
    from practices
    cross join payment_parameters
    left join list_at_achievement
        on practices.practice_code = list_at_achievement.practice_code
    left join list_at_list_size_date
        on practices.practice_code = list_at_list_size_date.practice_code

)

select * from final
