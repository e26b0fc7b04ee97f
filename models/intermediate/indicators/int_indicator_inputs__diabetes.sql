-- One row per patient on the DM register with every date and value the diabetes indicator
-- cascades read (docs/assumptions.md DA1-DA7), including the process indicators DM006, DM012,
-- DM014 and the statin indicators (macros/indicators/diabetes_processes.sql).

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

education_referrals as (

    select
        patient_id,
        event_date
    from {{ ref('int_clustered_events') }}
    where cluster_code = 'DSEP_COD'

),

-- DSEP_DAT: the earliest referral to structured education on or after the diagnosis date
-- (DM_DAT), up to the achievement date.
first_education_referral as (

    select
        register.patient_id,
        min(education_referrals.event_date) as education_referral_date
    from register
    inner join education_referrals
        on
            register.patient_id = education_referrals.patient_id
            and register.diagnosis_date <= education_referrals.event_date
    group by register.patient_id

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
        {{ cluster_latest_date(['BPDEC_COD', 'HOMEBPDEC_COD']) }} as bp_declined_date,
        {{ cluster_latest_date('ABPMDEC_COD') }} as abpm_declined_date,
        {{ cluster_latest_date('HTMAX_COD') }} as htmax_date,
        {{ cluster_recent_dates('DMINVITE_COD') }} as invitation_dates,
        {{ cluster_latest_date(['PRT_COD', 'MAL_COD']) }} as proteinuria_date,
        {{ cluster_latest_date(['ACE_COD', 'AII_COD']) }} as acei_arb_date,
        {{ cluster_latest_date('XACE_COD') }} as ace_contra_persisting_date,
        {{ cluster_latest_date('TXACE_COD') }} as ace_contra_expiring_date,
        {{ cluster_latest_date('XAII_COD') }} as arb_contra_persisting_date,
        {{ cluster_latest_date('TXAII_COD') }} as arb_contra_expiring_date,
        {{ cluster_latest_date('ACEDEC_COD') }} as ace_declined_date,
        {{ cluster_latest_date('AIIDEC_COD') }} as arb_declined_date,
        {{ cluster_latest_date('FRC_COD') }} as foot_risk_classification_date,
        {{ cluster_latest_date('FEPU_COD') }} as foot_exam_unsuitable_date,
        {{ cluster_latest_date('FEDEC_COD') }} as foot_exam_declined_date,
        {{ cluster_latest_date('NPTPU_COD') }} as neuropathy_test_unsuitable_date,
        {{ cluster_latest_date('NPTDEC_COD') }} as neuropathy_test_declined_date,
        {{ cluster_latest_date(['AMPL_COD', 'CONABL_COD']) }} as left_foot_absent_date,
        {{ cluster_latest_date(['AMPR_COD', 'CONABR_COD']) }} as right_foot_absent_date,
        {{ cluster_recent_dates('DSEPSU_COD') }} as education_unavailable_dates,
        {{ cluster_latest_date('DSEPPU_COD') }} as education_unsuitable_date,
        {{ cluster_recent_dates('DSEPDEC_COD') }} as education_declined_dates,
        {{ cluster_latest_date('DMTYPE2_COD') }} as diabetes_type2_date,
        {{ cluster_latest_value_date('CVDASS2_COD') }} as cvd_risk_score_date,
        {{ cluster_latest_value('CVDASS2_COD') }} as cvd_risk_score_value,
        {{ cluster_first_date(['CHD_COD', 'STRK_COD', 'TIA_COD', 'PAD_COD', 'FHYP_COD']) }} as cvd_history_date,
        {{ cluster_latest_date('CKD_COD') }} as ckd_date,
        {{ cluster_latest_date(['CKD1AND2_COD', 'CKDRES_COD']) }} as ckd_resolved_date,
        {{ cluster_latest_date('HSTRK_COD') }} as haemorrhagic_stroke_date,
        {{ cluster_latest_date('STAT_COD') }} as statin_date,
        {{ cluster_latest_date('CHOLMAX_COD') }} as cholmax_date,
        {{ cluster_latest_date('XSTAT_COD') }} as statin_contra_persisting_date,
        {{ cluster_latest_date('TXSTAT_COD') }} as statin_contra_expiring_date,
        {{ cluster_latest_date('STATINDEC_COD') }} as statin_declined_date
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
        register.latest_diagnosis_date as latest_diabetes_date,
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
        pivoted.abpm_declined_date,
        pivoted.htmax_date,
        pivoted.invitation_dates,
        blood_pressure.latest_bp_date,
        blood_pressure.latest_bp_systolic,
        blood_pressure.latest_bp_diastolic,
        blood_pressure.same_day_home_bp_systolic,
        blood_pressure.same_day_home_bp_diastolic,
        coalesce(blood_pressure.is_latest_bp_home_reading, false) as is_latest_bp_home_reading,
        pivoted.proteinuria_date,
        pivoted.acei_arb_date,
        pivoted.ace_contra_persisting_date,
        pivoted.ace_contra_expiring_date,
        pivoted.arb_contra_persisting_date,
        pivoted.arb_contra_expiring_date,
        pivoted.ace_declined_date,
        pivoted.arb_declined_date,
        pivoted.foot_risk_classification_date,
        pivoted.foot_exam_unsuitable_date,
        pivoted.foot_exam_declined_date,
        pivoted.neuropathy_test_unsuitable_date,
        pivoted.neuropathy_test_declined_date,
        pivoted.left_foot_absent_date,
        pivoted.right_foot_absent_date,
        first_education_referral.education_referral_date,
        pivoted.education_unavailable_dates,
        pivoted.education_unsuitable_date,
        pivoted.education_declined_dates,
        pivoted.diabetes_type2_date,
        pivoted.cvd_risk_score_date,
        pivoted.cvd_risk_score_value,
        pivoted.cvd_history_date,
        pivoted.ckd_date,
        pivoted.ckd_resolved_date,
        pivoted.haemorrhagic_stroke_date,
        pivoted.statin_date,
        pivoted.cholmax_date,
        pivoted.statin_contra_persisting_date,
        pivoted.statin_contra_expiring_date,
        pivoted.statin_declined_date
    from register
    inner join pivoted
        on register.patient_id = pivoted.patient_id
    left join blood_pressure
        on register.patient_id = blood_pressure.patient_id
    left join first_education_referral
        on register.patient_id = first_education_referral.patient_id

)

select * from final
