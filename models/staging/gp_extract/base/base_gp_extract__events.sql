-- Every raw coded event, typed, with the reason it cannot be staged (null when it can).

with

source as (

    select * from {{ source('gp_extract', 'events') }}

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
        cast(source.filename as varchar) as source_file,
        {{ clean_identifier('source.event_id') }} as event_id,
        {{ clean_identifier('source.patient_id') }} as patient_id,
        {{ clean_ods_code('source.practice_code') }} as practice_code,
        nullif(trim(cast(source.event_date as varchar)), '') as event_date_text,
        {{ parse_extract_date('source.event_date') }} as event_date,
        {{ is_unparseable_date('source.event_date') }} as is_date_unparseable,
        cast(source.snomed_code as varchar) as snomed_code,
        nullif(trim(cast(source.value as varchar)), '') as value_text,
        try_cast(nullif(trim(cast(source.value as varchar)), '') as decimal(18, 4)) as value,
        nullif(trim(cast(source.unit as varchar)), '') as unit
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by event_id
            order by patient_id, event_date, snomed_code, value_text, unit, practice_code, source_file
        ) as event_id_rank,
        count(distinct concat_ws('|', patient_id, event_date, snomed_code, value_text, unit, practice_code))
            over (partition by event_id) as event_id_versions
    from typed

),

content_ranked as (

    select
        *,
        row_number() over (
            partition by patient_id, event_date, snomed_code, value_text, event_id_rank = 1
            order by event_id, source_file
        ) as content_rank
    from ranked

),

checked as (

    select
        events.*,
        case
            when events.event_id is null or events.patient_id is null or events.practice_code is null
                then 'blank_identifier'
            when events.event_id_rank > 1 and events.event_id_versions = 1 then 'duplicate_event'
            when events.event_id_rank > 1 then 'duplicate_event_id'
            when events.is_date_unparseable then 'unparseable_date'
            when events.event_date is null then 'missing_date'
            when {{ is_placeholder_date('events.event_date') }} then 'placeholder_date'
            when events.event_date > {{ extract_date() }} then 'future_date'
            when events.snomed_code is null then 'missing_code'
            when {{ has_whitespace('events.snomed_code') }} then 'code_whitespace'
            when {{ is_bad_concept_code('events.snomed_code') }} then 'code_non_numeric'
            when events.value_text is not null and events.value is null then 'non_numeric_value'
            when patients.patient_id is null then 'unknown_patient'
            when patients.quarantine_reason is not null then 'patient_quarantined'
            when practices.practice_code is null then 'unknown_practice'
            when events.event_date < patients.date_of_birth then 'event_before_birth'
            when events.event_date > patients.date_of_death then 'event_after_death'
            when events.content_rank > 1 then 'near_duplicate_event'
        end as quarantine_reason
    from content_ranked as events
    left join patients
        on events.patient_id = patients.patient_id
    left join practices
        on events.practice_code = practices.practice_code

)

select * from checked
