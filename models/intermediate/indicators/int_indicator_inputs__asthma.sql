-- One row per patient on the AST register with every date the asthma indicator cascades read
-- (thresholds_and_rules.md 2.1). Diagnostic tests, their exception codes and invitations are
-- kept as lists of every date, since AST011 looks around a diagnosis or registration that may
-- lie before the 24 months the cluster summary keeps.

with

register as (

    select * from {{ ref('int_registers__asthma') }}

),

cluster_summary as (

    select * from {{ ref('int_patient_cluster_summary') }}

),

diagnostic_events as (

    select * from {{ ref('int_clustered_events') }}
    where cluster_code in (
        'ASTSPIR_COD', 'FENO_COD', 'BDREVERS_COD', 'PEFR_COD', 'SPIRDEC_COD', 'SPIRPU_COD',
        'SPIRPCASU_COD', 'FENOPCASU_COD', 'ASTPCASU_COD', 'ASTINVITE_COD'
    )

),

diagnostic_dates as (

    select
        patient_id,
        list_sort(list_distinct(list(event_date) filter (where cluster_code = 'ASTSPIR_COD')))
            as spirometry_dates,
        list_sort(list_distinct(
            list(event_date) filter (where cluster_code in ('FENO_COD', 'BDREVERS_COD', 'PEFR_COD'))
        )) as other_test_dates,
        list_sort(list_distinct(list(event_date) filter (where cluster_code = 'SPIRDEC_COD')))
            as spirometry_declined_dates,
        list_sort(list_distinct(list(event_date) filter (where cluster_code = 'SPIRPU_COD')))
            as spirometry_unsuitable_dates,
        list_sort(list_distinct(list(event_date) filter (where cluster_code = 'SPIRPCASU_COD')))
            as spirometry_unavailable_dates,
        list_sort(list_distinct(list(event_date) filter (where cluster_code = 'FENOPCASU_COD')))
            as feno_unavailable_dates,
        list_sort(list_distinct(list(event_date) filter (where cluster_code = 'ASTPCASU_COD')))
            as asthma_service_unavailable_dates,
        list_sort(list_distinct(list(event_date) filter (where cluster_code = 'ASTINVITE_COD')))
            as all_invitation_dates
    from diagnostic_events
    group by patient_id

),

pivoted as (

    select
        register.patient_id,
        {{ cluster_recent_dates('REV_COD') }} as review_dates,
        {{ cluster_recent_dates('WRITPASTP_COD') }} as action_plan_dates,
        {{ cluster_recent_dates('ASTCONTASS_COD') }} as control_assessment_dates,
        {{ cluster_recent_dates('ASTEXACB_COD') }} as exacerbation_count_dates,
        {{ cluster_latest_date(['SMOK_COD', 'SMOKEXPOS_COD', 'NOSMOKEXPOS_COD']) }} as smoking_or_exposure_date,
        {{ cluster_latest_date('SMOKSTATDEC_COD') }} as smoking_status_declined_date,
        {{ cluster_latest_date('ASTPCAPU_COD') }} as unsuitable_date,
        {{ cluster_latest_date('ASTMONDEC_COD') }} as monitoring_declined_date,
        {{ cluster_latest_date('ASTPCADEC_COD') }} as dissent_date,
        {{ cluster_recent_dates('ASTINVITE_COD') }} as invitation_dates
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
        pivoted.action_plan_dates,
        pivoted.control_assessment_dates,
        pivoted.exacerbation_count_dates,
        pivoted.smoking_or_exposure_date,
        pivoted.smoking_status_declined_date,
        pivoted.unsuitable_date,
        pivoted.monitoring_declined_date,
        pivoted.dissent_date,
        pivoted.invitation_dates,
        coalesce(diagnostic_dates.spirometry_dates, []) as spirometry_dates,
        coalesce(diagnostic_dates.other_test_dates, []) as other_test_dates,
        coalesce(diagnostic_dates.spirometry_declined_dates, []) as spirometry_declined_dates,
        coalesce(diagnostic_dates.spirometry_unsuitable_dates, []) as spirometry_unsuitable_dates,
        coalesce(diagnostic_dates.spirometry_unavailable_dates, []) as spirometry_unavailable_dates,
        coalesce(diagnostic_dates.feno_unavailable_dates, []) as feno_unavailable_dates,
        coalesce(diagnostic_dates.asthma_service_unavailable_dates, []) as asthma_service_unavailable_dates,
        coalesce(diagnostic_dates.all_invitation_dates, []) as all_invitation_dates
    from register
    inner join pivoted
        on register.patient_id = pivoted.patient_id
    left join diagnostic_dates
        on register.patient_id = diagnostic_dates.patient_id

)

select * from final
