-- Every raw patient row, typed, with the one reason it cannot be staged (null when it can);
-- checks run most fundamental first and the first that matches is the reason.

with

source as (

    select * from {{ source('gp_extract', 'patients') }}

),

registration_ids as (

    select distinct {{ clean_identifier('patient_id') }} as patient_id
    from {{ source('gp_extract', 'registrations') }}

),

typed as (

    select
        {{ extract_source_file('source.filename') }} as source_file,
        {{ clean_identifier('source.patient_id') }} as patient_id,
        {{ parse_extract_date('source.date_of_birth') }} as date_of_birth,
        {{ is_unparseable_date('source.date_of_birth') }} as is_birth_date_unparseable,
        upper(trim(cast(source.sex as varchar))) as sex,
        {{ parse_extract_date('source.date_of_death') }} as date_of_death,
        {{ is_unparseable_date('source.date_of_death') }} as is_death_date_unparseable,
        {{ raw_record_json('source') }} as raw_record
    from source

),

ranked as (

    select
        typed.*,
        registration_ids.patient_id is not null as has_registration,
        row_number() over (
            partition by typed.patient_id
            order by typed.date_of_birth, typed.sex, typed.date_of_death, typed.raw_record
        ) as patient_id_rank
    from typed
    left join registration_ids
        on typed.patient_id = registration_ids.patient_id

),

checked as (

    select
        *,
        case
            when patient_id is null then 'blank_identifier'
            when patient_id_rank > 1 then 'duplicate_patient'
            when is_birth_date_unparseable or is_death_date_unparseable then 'unparseable_date'
            when date_of_birth is null then 'missing_date'
            when {{ is_placeholder_date('date_of_birth') }} then 'placeholder_date'
            when date_of_birth > {{ extract_date() }} then 'future_date'
            when date_of_death > {{ extract_date() }} then 'future_date'
            when date_of_death < date_of_birth then 'death_before_birth'
            when
                {{ age_in_years('date_of_birth', 'coalesce(date_of_death, ' ~ extract_date() ~ ')') }}
                > {{ dq_threshold('implausible_age', 'max_age_years') }}
                then 'implausible_age'
            when sex is null or sex not in ('M', 'F', 'I', 'U') then 'invalid_sex'
            when not has_registration then 'patient_without_registration'
        end as quarantine_reason
    from ranked

)

select * from checked
