-- Every raw coded event, typed, with the one reason it cannot be staged (null when it can).
-- Checks run most fundamental first and the first that matches is the reason. The checks
-- that compare rows with each other (near duplicates, then systolic not above diastolic)
-- only look at rows that passed every single-row check.
-- The value-plausibility checks (a value outside its measurement's range, a systolic not
-- above the same-day diastolic) are recorded in value_plausibility_check. They quarantine
-- the row only under implausible_value_policy 'quarantine'; by default the row is staged
-- with its value, as the business rules select on the value as recorded, and reported in
-- dq_implausible_values (docs/data_quality.md, docs/assumptions.md A16).

with

source as (

    select * from {{ source('gp_extract', 'events') }}

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

plausible_ranges as (

    {{ code_plausible_ranges('snomed') }}

),

plausibility as (

    select * from {{ ref('qof_value_plausibility') }}

),

cluster_codes as (

    select * from {{ ref('stg_reference__cluster_codes') }}
    where code_system = 'snomed'

),

paired_codes as (

    select
        cluster_codes.code,
        plausibility.cluster_code as pair_id,
        'upper' as pair_role
    from plausibility
    inner join cluster_codes
        on plausibility.cluster_code = cluster_codes.cluster_code
    where plausibility.must_exceed_cluster_code is not null

    union all

    select
        cluster_codes.code,
        plausibility.cluster_code as pair_id,
        'lower' as pair_role
    from plausibility
    inner join cluster_codes
        on plausibility.must_exceed_cluster_code = cluster_codes.cluster_code

),

typed as (

    select
        {{ extract_source_file('source.filename') }} as source_file,
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
        to_json(struct_pack(patient_id, event_date, snomed_code, value_text, unit, practice_code)) as content
    from typed
    where hash(event_id) in (select repeated_event_ids.event_id_hash from repeated_event_ids)

),

repeated_id_ranked as (

    select
        * exclude (content),
        row_number() over (
            partition by event_id
            order by patient_id, event_date, snomed_code, value_text, unit, practice_code, source_file
        ) as event_id_rank,
        count(distinct content) over (partition by event_id) as event_id_versions,
        content = first_value(content) over (
            partition by event_id
            order by patient_id, event_date, snomed_code, value_text, unit, practice_code, source_file
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
        events.*,
        case
            when events.event_id is null or events.patient_id is null or events.practice_code is null
                then 'blank_identifier'
            when events.event_id_rank > 1 and events.is_copy_of_kept_row then 'duplicate_event'
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
            when
                not patients.has_open_registration
                and events.event_date > patients.last_end_date
                then 'event_after_deregistration'
            when
                {{ implausible_values_quarantined() }}
                and (events.value < plausible_ranges.min_value or events.value > plausible_ranges.max_value)
                then 'implausible_value'
        end as row_reason,
        plausible_ranges.min_value as plausible_min_value,
        plausible_ranges.max_value as plausible_max_value,
        coalesce(
            events.value < plausible_ranges.min_value or events.value > plausible_ranges.max_value,
            false
        ) as is_value_out_of_range
    from ranked as events
    left join patient_lookup as patients
        on events.patient_id = patients.patient_id
    left join practices
        on events.practice_code = practices.practice_code
    left join plausible_ranges
        on events.snomed_code = plausible_ranges.code

),

staged_rows as (

    select
        event_id,
        patient_id,
        event_date,
        snomed_code,
        value_text,
        value
    from row_checked
    where row_reason is null

),

-- Hashes of the content (patient, date, code, value) found on more than one staged row: the
-- only rows that need ranking for near duplicates. They are ranked within their real content,
-- so a hash collision only brings a unique row to be ranked first on its own.
repeated_contents as (

    select hash(patient_id, event_date, snomed_code, value_text) as content_hash
    from staged_rows
    group by hash(patient_id, event_date, snomed_code, value_text)
    having count(*) > 1

),

repeated_content_ranked as (

    select
        event_id,
        row_number() over (
            partition by patient_id, event_date, snomed_code, value_text
            order by event_id
        ) as content_rank
    from staged_rows
    where
        hash(patient_id, event_date, snomed_code, value_text)
        in (select repeated_contents.content_hash from repeated_contents)

),

near_duplicate_events as (

    select event_id
    from repeated_content_ranked
    where content_rank > 1

),

pair_readings as (

    select
        staged_rows.event_id,
        staged_rows.patient_id,
        staged_rows.event_date,
        staged_rows.value,
        paired_codes.pair_id,
        paired_codes.pair_role
    from staged_rows
    inner join paired_codes
        on staged_rows.snomed_code = paired_codes.code
    where
        staged_rows.value is not null
        and staged_rows.event_id not in (select near_duplicate_events.event_id from near_duplicate_events)

),

pair_days as (

    select
        patient_id,
        event_date,
        pair_id,
        min(value) filter (where pair_role = 'upper') as lowest_upper,
        max(value) filter (where pair_role = 'upper') as highest_upper,
        min(value) filter (where pair_role = 'lower') as lowest_lower,
        max(value) filter (where pair_role = 'lower') as highest_lower
    from pair_readings
    group by patient_id, event_date, pair_id

),

inverted_pair_events as (

    select distinct pair_readings.event_id
    from pair_readings
    inner join pair_days
        on
            pair_readings.patient_id = pair_days.patient_id
            and pair_readings.event_date = pair_days.event_date
            and pair_readings.pair_id = pair_days.pair_id
    where
        pair_days.lowest_upper <= pair_days.lowest_lower
        or pair_days.highest_upper <= pair_days.highest_lower

),

checked as (

    select
        row_checked.source_file,
        row_checked.event_id,
        row_checked.patient_id,
        row_checked.practice_code,
        row_checked.event_date_text,
        row_checked.event_date,
        row_checked.is_date_unparseable,
        row_checked.snomed_code,
        row_checked.value_text,
        row_checked.value,
        row_checked.unit,
        row_checked.event_id_rank,
        row_checked.event_id_versions,
        row_checked.is_copy_of_kept_row,
        row_checked.plausible_min_value,
        row_checked.plausible_max_value,
        case
            when coalesce(row_checked.row_reason, 'implausible_value') != 'implausible_value' then null
            when row_checked.is_value_out_of_range then 'implausible_value'
            when row_checked.event_id in (select inverted_pair_events.event_id from inverted_pair_events)
                then 'systolic_below_diastolic'
        end as value_plausibility_check,
        coalesce(
            row_checked.row_reason,
            case
                when row_checked.event_id in (select near_duplicate_events.event_id from near_duplicate_events)
                    then 'near_duplicate_event'
                when
                    {{ implausible_values_quarantined() }}
                    and row_checked.event_id in (select inverted_pair_events.event_id from inverted_pair_events)
                    then 'systolic_below_diastolic'
            end
        ) as quarantine_reason
    -- near_duplicate_events and inverted_pair_events hold only rows without a row_reason, and
    -- coalesce keeps the row_reason first; membership tests build their hash tables on those
    -- few rows, never on every event.
    from row_checked

)

select * from checked
