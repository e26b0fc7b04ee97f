-- One row per staged reading or medication issue whose value fails a plausibility check: a
-- value outside the plausible range of its measurement (qof_value_plausibility), a systolic
-- not above the diastolic recorded the same day, or a medication quantity of zero or less.
-- The business rules select on the value as recorded (e.g. DM020 rule 2 IFCCHBA_VAL <= 58)
-- with no plausibility range, so by default these rows count for QOF as recorded and are
-- reported to their practice here. Under implausible_value_policy 'quarantine' they are
-- quarantined instead and this table is empty (docs/assumptions.md A16).

with

events as (

    select * from {{ ref('base_gp_extract__events') }}
    where quarantine_reason is null and value_plausibility_check is not null

),

medications as (

    select * from {{ ref('base_gp_extract__medications') }}
    where quarantine_reason is null and value_plausibility_check is not null

),

plausibility as (

    select * from {{ ref('qof_value_plausibility') }}

),

cluster_codes as (

    select * from {{ ref('stg_reference__cluster_codes') }}
    where code_system = 'snomed'

),

measurement_codes as (

    select
        cluster_codes.code,
        string_agg(distinct cluster_codes.cluster_code, ', ' order by cluster_codes.cluster_code) as cluster_codes,
        min(plausibility.unit) as unit
    from plausibility
    inner join cluster_codes
        on plausibility.cluster_code = cluster_codes.cluster_code
    group by cluster_codes.code

),

pair_codes as (

    select
        cluster_codes.code,
        string_agg(
            distinct plausibility.cluster_code || ' above ' || plausibility.must_exceed_cluster_code, ', '
        ) as pair_clusters
    from plausibility
    inner join cluster_codes
        on
            plausibility.cluster_code = cluster_codes.cluster_code
            or plausibility.must_exceed_cluster_code = cluster_codes.cluster_code
    where plausibility.must_exceed_cluster_code is not null
    group by cluster_codes.code

),

event_findings as (

    select
        'events' as table_name,
        events.event_id as record_id,
        events.patient_id,
        events.practice_code,
        events.event_date as record_date,
        events.value_plausibility_check as check_code,
        case
            when events.value_plausibility_check = 'systolic_below_diastolic'
                then coalesce(pair_codes.pair_clusters, measurement_codes.cluster_codes, 'events')
            else coalesce(measurement_codes.cluster_codes, 'events')
        end as check_subject,
        events.snomed_code as code,
        events.value,
        events.unit,
        events.plausible_min_value,
        events.plausible_max_value,
        coalesce(measurement_codes.cluster_codes || ' code ', 'code ') || events.snomed_code
        || ' value ' || events.value_text || coalesce(' ' || measurement_codes.unit, '')
        || ' recorded ' || strftime(events.event_date, '%Y-%m-%d') || ': '
        || case
            when events.value_plausibility_check = 'implausible_value'
                then
                    'outside the plausible range ' || {{ number_text('events.plausible_min_value') }}
                    || '-' || {{ number_text('events.plausible_max_value') }}
                    || coalesce(' ' || measurement_codes.unit, '')
            else 'the systolic is not above the diastolic recorded the same day'
        end
        || '; counted for QOF as recorded' as detail
    from events
    left join measurement_codes
        on events.snomed_code = measurement_codes.code
    left join pair_codes
        on events.snomed_code = pair_codes.code

),

medication_findings as (

    select
        'medications' as table_name,
        event_id as record_id,
        patient_id,
        practice_code,
        issue_date as record_date,
        value_plausibility_check as check_code,
        'medications' as check_subject,
        dmd_code as code,
        quantity as value,
        cast(null as varchar) as unit,
        cast(null as decimal(18, 4)) as plausible_min_value,
        cast(null as decimal(18, 4)) as plausible_max_value,
        'dm+d code ' || dmd_code || ' quantity ' || quantity_text || ' issued '
        || strftime(issue_date, '%Y-%m-%d')
        || ': a quantity must be above 0; counted for QOF as recorded' as detail
    from medications

),

final as (

    select * from event_findings
    union all
    select * from medication_findings

)

select * from final
