-- Every raw medication issue, typed, with the reason it cannot be staged (null when it can).

with

source as (

    select * from {{ source('gp_extract', 'medications') }}

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
        nullif(trim(cast(source.issue_date as varchar)), '') as issue_date_text,
        {{ parse_extract_date('source.issue_date') }} as issue_date,
        {{ is_unparseable_date('source.issue_date') }} as is_date_unparseable,
        cast(source.dmd_code as varchar) as dmd_code,
        nullif(trim(cast(source.quantity as varchar)), '') as quantity_text,
        try_cast(nullif(trim(cast(source.quantity as varchar)), '') as decimal(18, 4)) as quantity
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by event_id
            order by patient_id, issue_date, dmd_code, quantity_text, practice_code, source_file
        ) as event_id_rank,
        count(distinct concat_ws('|', patient_id, issue_date, dmd_code, quantity_text, practice_code))
            over (partition by event_id) as event_id_versions
    from typed

),

checked as (

    select
        medications.*,
        case
            when
                medications.event_id is null
                or medications.patient_id is null
                or medications.practice_code is null
                then 'blank_identifier'
            when medications.event_id_rank > 1 and medications.event_id_versions = 1 then 'duplicate_event'
            when medications.event_id_rank > 1 then 'duplicate_event_id'
            when medications.is_date_unparseable then 'unparseable_date'
            when medications.issue_date is null then 'missing_date'
            when {{ is_placeholder_date('medications.issue_date') }} then 'placeholder_date'
            when medications.issue_date > {{ extract_date() }} then 'future_date'
            when medications.dmd_code is null then 'missing_code'
            when {{ has_whitespace('medications.dmd_code') }} then 'code_whitespace'
            when {{ is_bad_concept_code('medications.dmd_code') }} then 'code_non_numeric'
            when medications.quantity_text is not null and medications.quantity is null then 'non_numeric_value'
            when patients.patient_id is null then 'unknown_patient'
            when patients.quarantine_reason is not null then 'patient_quarantined'
            when practices.practice_code is null then 'unknown_practice'
            when medications.issue_date < patients.date_of_birth then 'event_before_birth'
            when medications.issue_date > patients.date_of_death then 'event_after_death'
        end as quarantine_reason
    from ranked as medications
    left join patients
        on medications.patient_id = patients.patient_id
    left join practices
        on medications.practice_code = practices.practice_code

)

select * from checked
