-- One row per patient on the DM register with every date and value the diabetes indicator
-- cascades read (thresholds_and_rules.md 2.1-2.3).

with

register as (

    select * from {{ ref('int_registers__diabetes') }}

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
        {{ cluster_latest_of(['MILDFRAIL_COD', 'MODFRAIL_COD', 'SEVFRAIL_COD']) }} as latest_frailty_cluster,
        {{ cluster_latest_value_date('IFCCHBAM_COD') }} as hba1c_date,
        {{ cluster_latest_value('IFCCHBAM_COD') }} as hba1c_value,
        {{ cluster_latest_date('SERFRUC_COD') }} as fructosamine_date,
        {{ cluster_latest_date('DMMAX_COD') }} as dmmax_date,
        {{ cluster_latest_date('DMPCAPU_COD') }} as dm_unsuitable_date,
        {{ cluster_latest_date('DMPCADEC_COD') }} as dm_dissent_date,
        {{ cluster_latest_date('BLDTESTDEC_COD') }} as blood_test_declined_date,
        {{ cluster_latest_date('BPDEC_COD') }} as bp_declined_date,
        {{ cluster_latest_date('HTMAX_COD') }} as htmax_date,
        {{ cluster_recent_dates('DMINVITE_COD') }} as invitation_dates
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
        pivoted.latest_frailty_cluster,
        coalesce(pivoted.latest_frailty_cluster in ('MODFRAIL_COD', 'SEVFRAIL_COD'), false)
            as is_moderately_or_severely_frail,
        pivoted.hba1c_date,
        pivoted.hba1c_value,
        pivoted.fructosamine_date,
        pivoted.dmmax_date,
        pivoted.dm_unsuitable_date as unsuitable_date,
        pivoted.dm_dissent_date as dissent_date,
        pivoted.blood_test_declined_date,
        pivoted.bp_declined_date,
        pivoted.htmax_date,
        pivoted.invitation_dates,
        blood_pressure.latest_bp_date,
        blood_pressure.latest_bp_systolic,
        blood_pressure.latest_bp_diastolic,
        coalesce(blood_pressure.is_latest_bp_home_reading, false) as is_latest_bp_home_reading
    from register
    inner join pivoted
        on register.patient_id = pivoted.patient_id
    left join blood_pressure
        on register.patient_id = blood_pressure.patient_id

)

select * from final
