-- One row per patient on the CHD, PAD, STIA or CKD register with every date and value the
-- cholesterol indicator cascades read (thresholds_and_rules.md 2.1, qof_rules.md 3.2).

with

all_registers as (

    select * from {{ ref('int_registers') }}

),

cluster_summary as (

    select * from {{ ref('int_patient_cluster_summary') }}

),

memberships as (

    select
        patient_id,
        any_value(practice_code) as practice_code,
        any_value(age) as age,
        any_value(registration_date) as registration_date,
        bool_or(register_code = 'CHD') as is_on_chd_register,
        bool_or(register_code = 'PAD') as is_on_pad_register,
        bool_or(register_code = 'STIA') as is_on_stia_register,
        bool_or(register_code = 'CKD') as is_on_ckd_register,
        bool_or(register_code = 'DM') as is_on_diabetes_register,
        bool_or(register_code = 'PC') as is_on_palliative_care_register
    from all_registers
    group by patient_id

),

population as (

    select * from memberships
    where is_on_chd_register or is_on_pad_register or is_on_stia_register or is_on_ckd_register

),

non_haemorrhagic_stroke_or_tia as (

    {{ non_haemorrhagic_stroke_or_tia_dates() }}

),

pivoted as (

    select
        population.patient_id,
        {{ cluster_first_date(['CHD_COD', 'STRK_COD', 'TIA_COD', 'PAD_COD', 'FHYP_COD']) }} as cvd_history_date,
        {{ cluster_latest_date('CKD_COD') }} as ckd_date,
        {{ cluster_latest_date(['CKD1AND2_COD', 'CKDRES_COD']) }} as ckd_resolved_date,
        {{ cluster_latest_date('HSTRK_COD') }} as haemorrhagic_stroke_date,
        {{ cluster_latest_date('STAT_COD') }} as statin_date,
        {{ cluster_latest_date('LLT_COD') }} as other_llt_date,
        {{ cluster_latest_date('STATINDEC_COD') }} as statin_declined_date,
        {{ cluster_latest_date('XSTAT_COD') }} as statin_contra_persisting_date,
        {{ cluster_latest_date('TXSTAT_COD') }} as statin_contra_expiring_date,
        {{ cluster_latest_date('CHOLMAX_COD') }} as cholmax_date,
        {{ cluster_latest_date('LLTADV_COD') }} as llt_adverse_reaction_date,
        {{ cluster_latest_date('LLTCON_COD') }} as llt_contra_date,
        {{ cluster_latest_date('LLTDEC_COD') }} as llt_declined_date,
        {{ cluster_latest_date('OLLTCONDEC_COD') }} as other_llt_unsuitable_date,
        {{ cluster_latest_date('CHOLDEC_COD') }} as cholesterol_declined_date,
        {{ cluster_latest_value_date('LDLCCHOL_COD') }} as ldl_date,
        {{ cluster_latest_value('LDLCCHOL_COD') }} as ldl_value,
        {{ cluster_latest_value_date('NONHDLCCHOL_COD') }} as non_hdl_date,
        {{ cluster_latest_value('NONHDLCCHOL_COD') }} as non_hdl_value
    from population
    left join cluster_summary
        on population.patient_id = cluster_summary.patient_id
    group by population.patient_id

),

final as (

    select
        population.patient_id,
        population.practice_code,
        population.age,
        population.registration_date,
        population.is_on_chd_register,
        population.is_on_pad_register,
        population.is_on_stia_register,
        population.is_on_ckd_register,
        population.is_on_diabetes_register,
        population.is_on_palliative_care_register,
        pivoted.cvd_history_date,
        pivoted.ckd_date,
        pivoted.ckd_resolved_date,
        population.is_on_stia_register and non_haemorrhagic_stroke_or_tia.patient_id is not null
            as has_non_haemorrhagic_stroke_or_tia,
        pivoted.haemorrhagic_stroke_date,
        pivoted.statin_date,
        pivoted.other_llt_date,
        pivoted.statin_declined_date,
        pivoted.statin_contra_persisting_date,
        pivoted.statin_contra_expiring_date,
        pivoted.cholmax_date,
        pivoted.llt_adverse_reaction_date,
        pivoted.llt_contra_date,
        pivoted.llt_declined_date,
        pivoted.other_llt_unsuitable_date,
        pivoted.cholesterol_declined_date,
        pivoted.ldl_date,
        pivoted.ldl_value,
        pivoted.non_hdl_date,
        pivoted.non_hdl_value
    from population
    inner join pivoted
        on population.patient_id = pivoted.patient_id
    left join non_haemorrhagic_stroke_or_tia
        on population.patient_id = non_haemorrhagic_stroke_or_tia.patient_id

)

select * from final
