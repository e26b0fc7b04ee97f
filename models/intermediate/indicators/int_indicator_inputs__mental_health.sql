-- One row per patient on the MH register with every date, value and flag the mental health
-- indicator cascades read (MH002-MH012, MH021; thresholds_and_rules.md 2.1): remission, the
-- six physical health check elements, their risk factors and their personalised care
-- adjustments. The smoking element is SMOK002's numerator, so its fields come from
-- int_indicator_inputs__smoking (docs/assumptions.md OA2).

with

register as (

    select * from {{ ref('int_registers__mental_health') }}

),

cluster_summary as (

    select * from {{ ref('int_patient_cluster_summary') }}

),

blood_pressure as (

    select * from {{ ref('int_patient_latest_blood_pressure') }}

),

diabetes_register as (

    select * from {{ ref('int_registers__diabetes') }}

),

smoking as (

    select * from {{ ref('int_indicator_inputs__smoking') }}

),

pivoted as (

    select
        register.patient_id,
        {{ cluster_latest_date('MH_COD') }} as latest_mh_diagnosis_date,
        {{ cluster_latest_date('MHREM_COD') }} as latest_remission_date,
        {{ cluster_latest_date('MHP_COD') }} as care_plan_date,
        {{ cluster_latest_date(['BMIVAL_COD', 'BMI_COD']) }} as bmi_date,
        {{ cluster_latest_value('BMIVAL_COD') }} as latest_bmi_value,
        {{ cluster_latest_date(['ALC_COD', 'AUDIT_COD', 'AUDITC_COD']) }} as alcohol_date,
        {{ cluster_latest_date(
            ['CHOL_COD', 'CHOL2_COD', 'HDLCCHOL_COD', 'LDLCCHOL_COD', 'NONHDLCCHOL_COD', 'TRIGLY_COD']
        ) }} as lipid_date,
        {{ cluster_latest_date('IFCCHBAM_COD') }} as hba1c_date,
        {{ cluster_latest_date(['GLUC_COD', 'FASPLASGLUC_COD']) }} as glucose_date,
        {{ cluster_latest_date('SERFRUC_COD') }} as fructosamine_date,
        {{ cluster_latest_of(['LSMOK_COD', 'EXSMOK_COD', 'NSMOK_COD']) }} as latest_smoking_cluster,
        {{ cluster_latest_date('ANTIPSYDRUG_COD') }} as antipsychotic_date,
        {{ cluster_first_date(['CHD_COD', 'STRK_COD', 'TIA_COD', 'PAD_COD']) }} as cvd_date,
        {{ cluster_latest_date('BPDEC_COD') }} as bp_declined_date,
        {{ cluster_latest_date('BMIDEC_COD') }} as bmi_declined_date,
        {{ cluster_latest_date('BMIPU_COD') }} as bmi_unsuitable_date,
        {{ cluster_latest_date('ALCDEC_COD') }} as alcohol_declined_date,
        {{ cluster_latest_date('CHOLDEC_COD') }} as cholesterol_declined_date,
        {{ cluster_latest_date('GLUCDEC_COD') }} as glucose_declined_date,
        {{ cluster_latest_date(['SMOKSTDEC_COD', 'SMOKSTATDEC_COD']) }} as smoking_declined_date,
        {{ cluster_latest_date('MHPCAPU_COD') }} as unsuitable_date,
        {{ cluster_latest_date('MHPCADEC_COD') }} as dissent_date,
        {{ cluster_recent_dates('MHINVITE_COD') }} as invitation_dates
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
        coalesce(
            {{ resolves_diagnosis('pivoted.latest_remission_date', 'pivoted.latest_mh_diagnosis_date') }},
            false
        ) as is_in_remission,
        pivoted.care_plan_date,
        blood_pressure.latest_bp_date,
        pivoted.bmi_date,
        pivoted.latest_bmi_value,
        pivoted.alcohol_date,
        pivoted.lipid_date,
        pivoted.hba1c_date,
        pivoted.glucose_date,
        pivoted.fructosamine_date,
        smoking.smoking_status_date,
        coalesce(smoking.is_never_smoker, false) as is_never_smoker,
        smoking.never_smoked_date,
        smoking.date_of_birth,
        coalesce(pivoted.latest_smoking_cluster = 'LSMOK_COD', false) as is_current_smoker,
        pivoted.antipsychotic_date,
        pivoted.cvd_date,
        diabetes_register.diagnosis_date as diabetes_diagnosis_date,
        pivoted.bp_declined_date,
        pivoted.bmi_declined_date,
        pivoted.bmi_unsuitable_date,
        pivoted.alcohol_declined_date,
        pivoted.cholesterol_declined_date,
        pivoted.glucose_declined_date,
        pivoted.smoking_declined_date,
        pivoted.unsuitable_date,
        pivoted.dissent_date,
        pivoted.invitation_dates
    from register
    inner join pivoted
        on register.patient_id = pivoted.patient_id
    left join blood_pressure
        on register.patient_id = blood_pressure.patient_id
    left join diabetes_register
        on register.patient_id = diabetes_register.patient_id
    left join smoking
        on register.patient_id = smoking.patient_id

)

select * from final
