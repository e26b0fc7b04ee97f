-- One row per patient on the COPD register with every date the COPD indicator cascades read
-- (thresholds_and_rules.md 2.1). Pulmonary rehabilitation attendance is kept as a list of every
-- date, since COPD014 looks back to the diagnosis.

with

register as (

    select * from {{ ref('int_registers__copd') }}

),

cluster_summary as (

    select * from {{ ref('int_patient_cluster_summary') }}

),

rehabilitation_events as (

    select * from {{ ref('int_clustered_events') }}
    where cluster_code = 'PULRHBATT_COD'

),

rehabilitation_attended as (

    select
        patient_id,
        list_sort(list_distinct(list(event_date))) as rehab_attended_dates
    from rehabilitation_events
    group by patient_id

),

pivoted as (

    select
        register.patient_id,
        {{ cluster_recent_dates('COPDRVW_COD') }} as review_dates,
        {{ cluster_recent_dates('COPDEXACB_COD') }} as exacerbation_count_dates,
        {{ cluster_recent_dates('MRC_COD') }} as mrc_dates,
        {{ cluster_recent_dates('MRC1_COD') }} as high_mrc_dates,
        {{ cluster_recent_dates(['PULRHBOFF_COD', 'PULRHBDEC_COD']) }} as rehab_offer_dates,
        {{ cluster_latest_date('PULRHBPU_COD') }} as rehab_unsuitable_date,
        {{ cluster_latest_date(['PULRHBSU_COD', 'COPDPCASU_COD']) }} as rehab_unavailable_date,
        {{ cluster_latest_date('COPDPCAPU_COD') }} as unsuitable_date,
        {{ cluster_latest_date('COPDPCADEC_COD') }} as dissent_date,
        {{ cluster_recent_dates('COPDINVITE_COD') }} as invitation_dates
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
        register.diagnosis_date,
        pivoted.review_dates,
        pivoted.exacerbation_count_dates,
        pivoted.mrc_dates,
        pivoted.high_mrc_dates,
        pivoted.rehab_offer_dates,
        pivoted.rehab_unsuitable_date,
        pivoted.rehab_unavailable_date,
        pivoted.unsuitable_date,
        pivoted.dissent_date,
        pivoted.invitation_dates,
        coalesce(rehabilitation_attended.rehab_attended_dates, []) as rehab_attended_dates
    from register
    inner join pivoted
        on register.patient_id = pivoted.patient_id
    left join rehabilitation_attended
        on register.patient_id = rehabilitation_attended.patient_id

)

select * from final
