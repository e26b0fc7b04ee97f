-- Every raw medication issue, typed, with the one reason it cannot be staged (null when it
-- can). Checks run most fundamental first and the first that matches is the reason; near
-- duplicates are looked for only among rows that passed every single-row check.
-- A quantity of zero or less fails the value-plausibility check (value_plausibility_check):
-- it quarantines the row only under implausible_value_policy 'quarantine'; by default the
-- issue is staged, as the business rules select issues by code and date, and reported in
-- dq_implausible_values (docs/data_quality.md, docs/assumptions.md A16).

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

registration_spans as (

    {{ registration_spans() }}

),

typed as (

    select
        {{ extract_source_file('source.filename') }} as source_file,
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

-- Event ids found on more than one row: the only rows that need ranking (a few passes over
-- all rows in total, never a sort of every row by event id).
repeated_event_ids as (

    select event_id
    from typed
    where event_id is not null
    group by event_id
    having count(*) > 1

),

single_id_rows as (

    select
        *,
        1 as event_id_rank,
        1 as event_id_versions,
        true as is_copy_of_kept_row
    from typed
    -- a blank event id is never counted as repeated: blank_identifier reports it
    where event_id is null or event_id not in (select repeated_event_ids.event_id from repeated_event_ids)

),

repeated_id_rows as (

    select
        *,
        to_json(struct_pack(patient_id, issue_date, dmd_code, quantity_text, practice_code)) as content
    from typed
    where event_id in (select repeated_event_ids.event_id from repeated_event_ids)

),

repeated_id_ranked as (

    select
        * exclude (content),
        row_number() over (
            partition by event_id
            order by patient_id, issue_date, dmd_code, quantity_text, practice_code, source_file
        ) as event_id_rank,
        count(distinct content) over (partition by event_id) as event_id_versions,
        content = first_value(content) over (
            partition by event_id
            order by patient_id, issue_date, dmd_code, quantity_text, practice_code, source_file
        ) as is_copy_of_kept_row
    from repeated_id_rows

),

ranked as (

    select * from single_id_rows
    union all
    select * from repeated_id_ranked

),

row_checked as (

    select
        medications.*,
        case
            when
                medications.event_id is null
                or medications.patient_id is null
                or medications.practice_code is null
                then 'blank_identifier'
            when medications.event_id_rank > 1 and medications.is_copy_of_kept_row then 'duplicate_event'
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
            when
                not registration_spans.has_open_registration
                and medications.issue_date > registration_spans.last_end_date
                then 'event_after_deregistration'
            when {{ implausible_values_quarantined() }} and medications.quantity <= 0 then 'implausible_value'
        end as row_reason,
        coalesce(medications.quantity <= 0, false) as is_value_out_of_range
    from ranked as medications
    left join patients
        on medications.patient_id = patients.patient_id
    left join practices
        on medications.practice_code = practices.practice_code
    left join registration_spans
        on medications.patient_id = registration_spans.patient_id

),

staged_rows as (

    select
        event_id,
        patient_id,
        issue_date,
        dmd_code,
        quantity_text
    from row_checked
    where row_reason is null

),

-- Content (patient, date, code, quantity) found on more than one staged row: the only rows
-- that need ranking for near duplicates.
repeated_contents as (

    select
        patient_id,
        issue_date,
        dmd_code,
        quantity_text
    from staged_rows
    group by patient_id, issue_date, dmd_code, quantity_text
    having count(*) > 1

),

repeated_content_ranked as (

    select
        staged_rows.event_id,
        row_number() over (
            partition by staged_rows.patient_id, staged_rows.issue_date, staged_rows.dmd_code, staged_rows.quantity_text
            order by staged_rows.event_id
        ) as content_rank
    from staged_rows
    inner join repeated_contents
        on
            staged_rows.patient_id = repeated_contents.patient_id
            and staged_rows.issue_date = repeated_contents.issue_date
            and staged_rows.dmd_code = repeated_contents.dmd_code
            and staged_rows.quantity_text is not distinct from repeated_contents.quantity_text

),

near_duplicate_events as (

    select event_id
    from repeated_content_ranked
    where content_rank > 1

),

checked as (

    select
        row_checked.source_file,
        row_checked.event_id,
        row_checked.patient_id,
        row_checked.practice_code,
        row_checked.issue_date_text,
        row_checked.issue_date,
        row_checked.is_date_unparseable,
        row_checked.dmd_code,
        row_checked.quantity_text,
        row_checked.quantity,
        row_checked.event_id_rank,
        row_checked.event_id_versions,
        row_checked.is_copy_of_kept_row,
        case
            when coalesce(row_checked.row_reason, 'implausible_value') != 'implausible_value' then null
            when row_checked.is_value_out_of_range then 'implausible_value'
        end as value_plausibility_check,
        coalesce(
            row_checked.row_reason,
            case when near_duplicate_events.event_id is not null then 'near_duplicate_event' end
        ) as quarantine_reason
    from row_checked
    -- near_duplicate_events holds only rows without a row_reason, one per event_id, and
    -- coalesce keeps the row_reason first: a plain equi-join (a fast hash join).
    left join near_duplicate_events
        on row_checked.event_id = near_duplicate_events.event_id

)

select * from checked
