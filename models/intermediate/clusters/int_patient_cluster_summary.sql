-- One row per patient and cluster: first and latest dates, the latest recorded value and
-- the distinct dates in the 24 months up to the achievement date (used for invitation pairs).

with

clustered_events as (

    select * from {{ ref('int_clustered_events') }}

),

valued as (

    select
        patient_id,
        cluster_code,
        max(event_date) as latest_value_date
    from clustered_events
    where value is not null
    group by patient_id, cluster_code

),

latest_values as (

    select
        clustered_events.patient_id,
        clustered_events.cluster_code,
        valued.latest_value_date,
        min(clustered_events.value) as latest_value
    from clustered_events
    inner join valued
        on
            clustered_events.patient_id = valued.patient_id
            and clustered_events.cluster_code = valued.cluster_code
            and clustered_events.event_date = valued.latest_value_date
    where clustered_events.value is not null
    group by clustered_events.patient_id, clustered_events.cluster_code, valued.latest_value_date

),

dated as (

    select
        patient_id,
        cluster_code,
        min(event_date) as first_date,
        max(event_date) as latest_date,
        list_sort(list_distinct(list(event_date) filter (where {{ within_months('event_date', 24) }})))
            as dates_last_24_months
    from clustered_events
    group by patient_id, cluster_code

),

final as (

    select
        dated.patient_id,
        dated.cluster_code,
        dated.first_date,
        dated.latest_date,
        latest_values.latest_value_date,
        latest_values.latest_value,
        coalesce(dated.dates_last_24_months, []) as dates_last_24_months
    from dated
    left join latest_values
        on
            dated.patient_id = latest_values.patient_id
            and dated.cluster_code = latest_values.cluster_code

)

select * from final
