-- One row per patient on the NDH register with every date the NDH002 cascade reads
-- (thresholds_and_rules.md 2.1).

with

register as (

    select * from {{ ref('int_registers__non_diabetic_hyperglycaemia') }}

),

cluster_summary as (

    select * from {{ ref('int_patient_cluster_summary') }}

),

pivoted as (

    select
        register.patient_id,
        {{ cluster_latest_date('IFCCHBAM_COD') }} as hba1c_date,
        {{ cluster_latest_date('FASPLASGLUC_COD') }} as fasting_glucose_date,
        {{ cluster_latest_date('GLUCDEC_COD') }} as glucose_test_declined_date,
        {{ cluster_latest_date('NDHPU_COD') }} as unsuitable_date,
        {{ cluster_latest_date('NDHPCADEC_COD') }} as dissent_date,
        {{ cluster_recent_dates('NDHINVITE_COD') }} as invitation_dates
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
        pivoted.hba1c_date,
        pivoted.fasting_glucose_date,
        pivoted.glucose_test_declined_date,
        pivoted.unsuitable_date,
        pivoted.dissent_date,
        pivoted.invitation_dates
    from register
    inner join pivoted
        on register.patient_id = pivoted.patient_id

)

select * from final
