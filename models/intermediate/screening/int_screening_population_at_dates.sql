-- The GMS-registered population at every screening reference date (the gms_population_at
-- rules for many dates at once): one row per reference date and patient with the practice of
-- the latest GMS registration current on that date and the age in full years on it. Only
-- ages some screening programme covers are kept.

with

reference_dates as (

    select * from {{ ref('int_screening_reference_dates') }}

),

programme_ages as (

    select
        min(min_age) as min_age,
        max(max_age) as max_age
    from {{ ref('screening_programmes') }}

),

patients as (

    select * from {{ ref('stg_gp_extract__patients') }}

),

gms_registrations as (

    select * from {{ ref('stg_gp_extract__registrations') }}
    where registration_type = 'GMS'

),

current_registrations as (

    select
        reference_dates.reference_date,
        gms_registrations.patient_id,
        gms_registrations.practice_code,
        gms_registrations.start_date,
        row_number() over (
            partition by reference_dates.reference_date, gms_registrations.patient_id
            order by gms_registrations.start_date desc, gms_registrations.practice_code asc
        ) as registration_rank
    from gms_registrations
    inner join reference_dates
        on
            gms_registrations.start_date <= reference_dates.reference_date
            and (gms_registrations.end_date is null or gms_registrations.end_date > reference_dates.reference_date)

),

aged as (

    select
        current_registrations.reference_date,
        current_registrations.patient_id,
        current_registrations.practice_code,
        current_registrations.start_date as registration_date,
        patients.sex,
        patients.date_of_birth,
        {{ age_in_years('patients.date_of_birth', 'current_registrations.reference_date') }} as age
    from current_registrations
    inner join patients
        on current_registrations.patient_id = patients.patient_id
    where
        current_registrations.registration_rank = 1
        and (patients.date_of_death is null or patients.date_of_death > current_registrations.reference_date)

),

final as (

    select aged.*
    from aged
    cross join programme_ages
    where aged.age between programme_ages.min_age and programme_ages.max_age

)

select * from final
