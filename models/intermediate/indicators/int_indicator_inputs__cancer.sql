-- One row per patient on the CAN register with every date the cancer indicator cascades read
-- (thresholds_and_rules.md 2.1 Cancer): the most recent episode of cancer, the first cancer
-- care review and the first support discussion on or after it, and the PCA codes.

with

register as (

    select * from {{ ref('int_registers__cancer') }}

),

cluster_summary as (

    select * from {{ ref('int_patient_cluster_summary') }}

),

clustered_events as (

    select * from {{ ref('int_clustered_events') }}
    where cluster_code in ('MDRV_COD', 'CANPCSUPP_COD')

),

episode_care as (

    select
        register.patient_id,
        min(clustered_events.event_date) filter (where clustered_events.cluster_code = 'MDRV_COD')
            as review_date,
        min(clustered_events.event_date) as support_date
    from register
    inner join clustered_events
        on
            register.patient_id = clustered_events.patient_id
            and register.latest_diagnosis_date <= clustered_events.event_date
    group by register.patient_id

),

pivoted as (

    select
        register.patient_id,
        {{ cluster_latest_date('CANPCAPU_COD') }} as unsuitable_date,
        {{ cluster_latest_date('CANPCADEC_COD') }} as dissent_date,
        {{ cluster_recent_dates('CANINVITE_COD') }} as invitation_dates
    from register
    left join cluster_summary
        on register.patient_id = cluster_summary.patient_id
    group by register.patient_id

),

final as (

    select
        register.patient_id,
        register.practice_code,
        register.age,
        register.registration_date,
        register.diagnosis_date as first_diagnosis_date,
        register.latest_diagnosis_date as diagnosis_date,
        episode_care.review_date,
        episode_care.support_date,
        pivoted.unsuitable_date,
        pivoted.dissent_date,
        pivoted.invitation_dates
    from register
    inner join pivoted
        on register.patient_id = pivoted.patient_id
    left join episode_care
        on register.patient_id = episode_care.patient_id

)

select * from final
