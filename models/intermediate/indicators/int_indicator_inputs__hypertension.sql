-- One row per patient on the HYP register with every date and value the hypertension
-- indicator cascades read (thresholds_and_rules.md 2.3).

with

register as (

    select * from {{ ref('int_registers__hypertension') }}

),

cluster_summary as (

    select * from {{ ref('int_patient_cluster_summary') }}

),

blood_pressure as (

    select * from {{ ref('int_patient_latest_blood_pressure') }}

),

pivoted as (

    select
        register.patient_id,
        {{ cluster_latest_date('HTMAX_COD') }} as htmax_date,
        {{ cluster_latest_date('HYPPCAPU_COD') }} as unsuitable_date,
        {{ cluster_latest_date('HYPPCADEC_COD') }} as dissent_date,
        {{ cluster_latest_date(['BPDEC_COD', 'HOMEBPDEC_COD']) }} as bp_declined_date,
        {{ cluster_latest_date('ABPMDEC_COD') }} as abpm_declined_date,
        {{ cluster_recent_dates('HYPINVITE_COD') }} as invitation_dates
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
        pivoted.htmax_date,
        pivoted.unsuitable_date,
        pivoted.dissent_date,
        pivoted.bp_declined_date,
        pivoted.abpm_declined_date,
        pivoted.invitation_dates,
        blood_pressure.latest_bp_date,
        blood_pressure.latest_bp_systolic,
        blood_pressure.latest_bp_diastolic,
        blood_pressure.same_day_home_bp_systolic,
        blood_pressure.same_day_home_bp_diastolic,
        coalesce(blood_pressure.is_latest_bp_home_reading, false) as is_latest_bp_home_reading
    from register
    inner join pivoted
        on register.patient_id = pivoted.patient_id
    left join blood_pressure
        on register.patient_id = blood_pressure.patient_id

)

select * from final
