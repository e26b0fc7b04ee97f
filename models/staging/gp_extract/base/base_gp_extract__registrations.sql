-- Every raw registration row, typed, with the one reason it cannot be staged (null when it
-- can); checks run most fundamental first and the first that matches is the reason. GMS
-- episodes of one patient may not overlap: the later-starting episode is quarantined.

with

source as (

    select * from {{ source('gp_extract', 'registrations') }}

),

patients as (

    select
        patient_id,
        date_of_birth,
        date_of_death,
        quarantine_reason
    from {{ ref('base_gp_extract__patients') }}
    where patient_id_rank = 1

),

practices as (

    select practice_code
    from {{ ref('base_gp_extract__practices') }}
    where quarantine_reason is null

),

typed as (

    select
        {{ extract_source_file('source.filename') }} as source_file,
        {{ clean_identifier('source.patient_id') }} as patient_id,
        {{ clean_ods_code('source.practice_code') }} as practice_code,
        upper(trim(cast(source.registration_type as varchar))) as registration_type,
        {{ parse_extract_date('source.start_date') }} as start_date,
        {{ parse_extract_date('source.end_date') }} as end_date,
        {{ is_unparseable_date('source.start_date') }}
        or {{ is_unparseable_date('source.end_date') }} as is_date_unparseable,
        {{ raw_record_json('source') }} as raw_record
    from source

),

row_checked as (

    select
        typed.*,
        case
            when typed.patient_id is null or typed.practice_code is null then 'blank_identifier'
            when typed.is_date_unparseable then 'unparseable_date'
            when typed.start_date is null then 'missing_date'
            when {{ is_placeholder_date('typed.start_date') }} then 'placeholder_date'
            when typed.start_date > {{ extract_date() }} then 'future_date'
            when typed.end_date < typed.start_date then 'end_before_start'
            when
                typed.registration_type is null
                or typed.registration_type not in ('GMS', 'TEMP', 'PRIVATE', 'OTHER')
                then 'invalid_registration_type'
            when patients.patient_id is null then 'unknown_patient'
            when patients.quarantine_reason is not null then 'patient_quarantined'
            when practices.practice_code is null then 'unknown_practice'
            when typed.start_date < patients.date_of_birth then 'registration_before_birth'
            when typed.start_date > patients.date_of_death then 'registration_after_death'
            when
                row_number() over (
                    partition by
                        typed.patient_id,
                        typed.practice_code,
                        typed.registration_type,
                        typed.start_date,
                        typed.end_date
                    order by typed.raw_record
                ) > 1
                then 'duplicate_registration'
        end as row_reason
    from typed
    left join patients
        on typed.patient_id = patients.patient_id
    left join practices
        on typed.practice_code = practices.practice_code

),

gms_sequenced as (

    select
        *,
        max(coalesce(end_date, date '9999-12-31')) over (
            partition by patient_id
            order by start_date, coalesce(end_date, date '9999-12-31'), practice_code, raw_record
            rows between unbounded preceding and 1 preceding
        ) as previous_gms_end_date
    from row_checked
    where row_reason is null and registration_type = 'GMS'

),

checked as (

    select
        row_checked.source_file,
        row_checked.patient_id,
        row_checked.practice_code,
        row_checked.registration_type,
        row_checked.start_date,
        row_checked.end_date,
        row_checked.is_date_unparseable,
        row_checked.raw_record,
        coalesce(
            row_checked.row_reason,
            case
                when gms_sequenced.previous_gms_end_date > row_checked.start_date
                    then 'overlapping_registration'
            end
        ) as quarantine_reason
    from row_checked
    left join gms_sequenced
        on
            row_checked.raw_record = gms_sequenced.raw_record
            and row_checked.source_file = gms_sequenced.source_file

)

select * from checked
