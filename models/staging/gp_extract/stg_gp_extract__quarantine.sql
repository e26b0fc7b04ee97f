-- Every raw row that could not be staged, from every extract table, with its one reason.

with

practices as (

    select * from {{ ref('base_gp_extract__practices') }}
    where quarantine_reason is not null

),

patients as (

    select * from {{ ref('base_gp_extract__patients') }}
    where quarantine_reason is not null

),

registrations as (

    select * from {{ ref('base_gp_extract__registrations') }}
    where quarantine_reason is not null

),

events as (

    select * from {{ ref('base_gp_extract__events') }}
    where quarantine_reason is not null

),

medications as (

    select * from {{ ref('base_gp_extract__medications') }}
    where quarantine_reason is not null

),

manual_achievement as (

    select * from {{ ref('base_gp_extract__manual_achievement') }}
    where quarantine_reason is not null

),

unioned as (

    select
        'practices' as table_name,
        source_file,
        practice_code as record_id,
        cast(null as varchar) as patient_id,
        practice_code,
        cast(null as date) as record_date,
        quarantine_reason,
        cast(raw_record as varchar) as raw_record
    from practices

    union all

    select
        'patients' as table_name,
        source_file,
        patient_id as record_id,
        patient_id,
        cast(null as varchar) as practice_code,
        date_of_birth as record_date,
        quarantine_reason,
        cast(raw_record as varchar) as raw_record
    from patients

    union all

    select
        'registrations' as table_name,
        source_file,
        concat_ws('|', patient_id, practice_code, cast(start_date as varchar)) as record_id,
        patient_id,
        practice_code,
        start_date as record_date,
        quarantine_reason,
        cast(raw_record as varchar) as raw_record
    from registrations

    union all

    select
        'events' as table_name,
        source_file,
        event_id as record_id,
        patient_id,
        practice_code,
        event_date as record_date,
        quarantine_reason,
        cast(json_object(
            'event_id', event_id,
            'patient_id', patient_id,
            'practice_code', practice_code,
            'event_date', event_date_text,
            'snomed_code', snomed_code,
            'value', value_text,
            'unit', unit
        ) as varchar) as raw_record
    from events

    union all

    select
        'medications' as table_name,
        source_file,
        event_id as record_id,
        patient_id,
        practice_code,
        issue_date as record_date,
        quarantine_reason,
        cast(json_object(
            'event_id', event_id,
            'patient_id', patient_id,
            'practice_code', practice_code,
            'issue_date', issue_date_text,
            'dmd_code', dmd_code,
            'quantity', quantity_text
        ) as varchar) as raw_record
    from medications

    union all

    select
        'manual_achievement' as table_name,
        source_file,
        concat_ws('|', practice_code, indicator_code) as record_id,
        cast(null as varchar) as patient_id,
        practice_code,
        achievement_date as record_date,
        quarantine_reason,
        cast(raw_record as varchar) as raw_record
    from manual_achievement

)

select * from unioned
