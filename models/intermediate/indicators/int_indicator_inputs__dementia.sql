-- One row per patient on the DEM register with every date the dementia indicator cascade
-- reads (DEM004, thresholds_and_rules.md 2.1).

with

register as (

    select * from {{ ref('int_registers__dementia') }}

),

cluster_summary as (

    select * from {{ ref('int_patient_cluster_summary') }}

),

pivoted as (

    select
        register.patient_id,
        {{ cluster_latest_date('DEMCPRVW_COD') }} as care_plan_review_date,
        {{ cluster_latest_date('DEMPCAPU_COD') }} as unsuitable_date,
        {{ cluster_latest_date('DEMCPDEC_COD') }} as care_plan_declined_date,
        {{ cluster_latest_date('DEMPCADEC_COD') }} as dissent_date,
        {{ cluster_recent_dates('DEMINVITE_COD') }} as invitation_dates
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
        pivoted.care_plan_review_date,
        pivoted.unsuitable_date,
        pivoted.care_plan_declined_date,
        pivoted.dissent_date,
        pivoted.invitation_dates
    from register
    inner join pivoted
        on register.patient_id = pivoted.patient_id

)

select * from final
