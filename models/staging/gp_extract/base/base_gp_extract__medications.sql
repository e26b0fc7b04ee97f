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

practices as (

    select practice_code
    from {{ ref('base_gp_extract__practices') }}
    where quarantine_reason is null

),

-- One lookup per patient (their record and registration span), so every row is joined to
-- patients once.
patient_lookup as (

    {{ patient_lookup() }}

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

-- Hashes of the event ids found on more than one row: the only rows that need ranking (a few
-- passes over all rows in total, never a sort of every row by event id). Grouping on the hash
-- is one integer column; a hash collision only sends a unique id to be ranked alone, where it
-- ranks first, as it would have anyway.
repeated_event_ids as (

    select hash(event_id) as event_id_hash
    from typed
    where event_id is not null
    group by hash(event_id)
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
    where event_id is null or hash(event_id) not in (select repeated_event_ids.event_id_hash from repeated_event_ids)

),

repeated_id_rows as (

    select
        *,
        to_json(struct_pack(patient_id, issue_date, dmd_code, quantity_text, practice_code)) as content
    from typed
    where hash(event_id) in (select repeated_event_ids.event_id_hash from repeated_event_ids)

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
                not patients.has_open_registration
                and medications.issue_date > patients.last_end_date
                then 'event_after_deregistration'
            when {{ implausible_values_quarantined() }} and medications.quantity <= 0 then 'implausible_value'
        end as row_reason,
        coalesce(medications.quantity <= 0, false) as is_value_out_of_range
    from ranked as medications
    left join patient_lookup as patients
        on medications.patient_id = patients.patient_id
    left join practices
        on medications.practice_code = practices.practice_code

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

-- Hashes of the content (patient, date, code, quantity) found on more than one staged row:
-- the only rows that need ranking for near duplicates. They are ranked within their real
-- content, so a hash collision only brings a unique row to be ranked first on its own.
repeated_contents as (

    select hash(patient_id, issue_date, dmd_code, quantity_text) as content_hash
    from staged_rows
    group by hash(patient_id, issue_date, dmd_code, quantity_text)
    having count(*) > 1

),

repeated_content_ranked as (

    select
        event_id,
        row_number() over (
            partition by patient_id, issue_date, dmd_code, quantity_text
            order by event_id
        ) as content_rank
    from staged_rows
    where
        hash(patient_id, issue_date, dmd_code, quantity_text)
        in (select repeated_contents.content_hash from repeated_contents)

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
            case
                when row_checked.event_id in (select near_duplicate_events.event_id from near_duplicate_events)
                    then 'near_duplicate_event'
            end
        ) as quarantine_reason
    -- near_duplicate_events holds only rows without a row_reason, and coalesce keeps the
    -- row_reason first; the membership test builds its hash table on those few rows.
    from row_checked

)

select * from checked
