-- The latest blood pressure of each patient up to the achievement date: the latest date with
-- both a systolic and a diastolic value (clinic, or home/ambulatory), one reading per date
-- chosen by the `bp_same_day_policy` var. A clinic reading wins over a home reading on the
-- same date; the home reading of that date is kept beside it (same_day_home_bp_*), because
-- the rules select the patient when either reading meets its own target (docs/assumptions.md
-- DA9). The published SYSBP_COD / DIABP_COD lists also hold home and ambulatory codes: a code
-- in HOMESYSBP_COD / HOMEDIABP_COD is read as a home reading only, so clinic readings are the
-- BP codes outside the home clusters (docs/clusters.md).

with

home_codes as (

    select distinct code
    from {{ ref('stg_reference__cluster_codes') }}
    where cluster_code in ('HOMESYSBP_COD', 'HOMEDIABP_COD')

),

bp_events as (

    select * from {{ ref('int_clustered_events') }}
    where
        value is not null
        and cluster_code in ('SYSBP_COD', 'DIABP_COD', 'HOMESYSBP_COD', 'HOMEDIABP_COD')

),

clustered_events as (

    select bp_events.*
    from bp_events
    left join home_codes
        on bp_events.code = home_codes.code
    where
        bp_events.cluster_code in ('HOMESYSBP_COD', 'HOMEDIABP_COD')
        or home_codes.code is null

),

daily as (

    select
        patient_id,
        event_date,
        cluster_code in ('HOMESYSBP_COD', 'HOMEDIABP_COD') as is_home_reading,
        {% if var('bp_same_day_policy') == 'mean' -%}
            avg(value) filter (where cluster_code in ('SYSBP_COD', 'HOMESYSBP_COD')) as systolic,
            avg(value) filter (where cluster_code in ('DIABP_COD', 'HOMEDIABP_COD')) as diastolic
        {%- else -%}
            min(value) filter (where cluster_code in ('SYSBP_COD', 'HOMESYSBP_COD')) as systolic,
            min(value) filter (where cluster_code in ('DIABP_COD', 'HOMEDIABP_COD')) as diastolic
        {%- endif %}
    from clustered_events
    group by patient_id, event_date, is_home_reading

),

paired as (

    select * from daily
    where systolic is not null and diastolic is not null

),

ranked as (

    select
        *,
        row_number() over (
            partition by patient_id
            order by event_date desc, is_home_reading asc
        ) as reading_rank
    from paired

),

same_day_home as (

    select
        patient_id,
        event_date,
        systolic,
        diastolic
    from ranked
    where reading_rank = 2 and is_home_reading

),

final as (

    select
        ranked.patient_id,
        ranked.event_date as latest_bp_date,
        cast(ranked.systolic as decimal(10, 2)) as latest_bp_systolic,
        cast(ranked.diastolic as decimal(10, 2)) as latest_bp_diastolic,
        ranked.is_home_reading as is_latest_bp_home_reading,
        cast(same_day_home.systolic as decimal(10, 2)) as same_day_home_bp_systolic,
        cast(same_day_home.diastolic as decimal(10, 2)) as same_day_home_bp_diastolic
    from ranked
    left join same_day_home
        on
            ranked.patient_id = same_day_home.patient_id
            and ranked.event_date = same_day_home.event_date
    where ranked.reading_rank = 1

)

select * from final
