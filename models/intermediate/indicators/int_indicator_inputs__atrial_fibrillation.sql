-- One row per patient on the AF register with every date and value the atrial fibrillation
-- indicator cascades read (thresholds_and_rules.md 2.1).

with

register as (

    select * from {{ ref('int_registers__atrial_fibrillation') }}

),

cluster_summary as (

    select * from {{ ref('int_patient_cluster_summary') }}

),

pivoted as (

    select
        register.patient_id,
        {{ cluster_latest_date('CHADVASC_COD') }} as chadsvasc_date,
        {{ cluster_latest_value_date('CHADVASC_COD') }} as chadsvasc_value_date,
        {{ cluster_latest_value('CHADVASC_COD') }} as chadsvasc_value,
        {{ cluster_latest_value_date('CHADS2_COD') }} as chads2_value_date,
        {{ cluster_latest_value('CHADS2_COD') }} as chads2_value,
        {{ cluster_latest_date('DOAC_COD') }} as doac_date,
        {{ cluster_latest_date('VITKANTAG_COD') }} as vka_date,
        {{ cluster_latest_date('MECHVALVE_COD') }} as mechanical_valve_date,
        {{ cluster_latest_date('ANTIPHOSYND_COD') }} as antiphospholipid_date,
        {{ cluster_latest_date('DOACCON_COD') }} as doac_contra_date,
        {{ cluster_latest_date('DOACNI_COD') }} as doac_not_indicated_date,
        {{ cluster_latest_date('DOACDEC_COD') }} as doac_declined_date,
        {{ cluster_latest_date('VITKANTAGCON_COD') }} as vka_contra_date,
        {{ cluster_latest_date('VITKANTAGDEC_COD') }} as vka_declined_date,
        {{ cluster_latest_date('XORANTICOAG_COD') }} as oac_contra_persisting_date,
        {{ cluster_latest_date('TXORANTICOAG_COD') }} as oac_contra_expiring_date,
        {{ cluster_latest_date('ORANTICOAGDEC_COD') }} as oac_declined_date,
        {{ cluster_latest_date('AFIBPCAPU_COD') }} as unsuitable_date,
        {{ cluster_latest_date('AFIBPCADEC_COD') }} as dissent_date,
        {{ cluster_recent_dates('AFIBINVITE_COD') }} as invitation_dates
    from register
    left join cluster_summary
        on register.patient_id = cluster_summary.patient_id
    group by register.patient_id

),

stroke_risk as (

    select
        patient_id,
        case
            when chads2_value_date is null or chadsvasc_value_date >= chads2_value_date
                then chadsvasc_value_date
            else chads2_value_date
        end as stroke_risk_score_date,
        case
            when chads2_value_date is null or chadsvasc_value_date >= chads2_value_date
                then chadsvasc_value
            else chads2_value
        end as stroke_risk_score_value
    from pivoted

),

final as (

    select
        register.patient_id,
        register.practice_code,
        register.age,
        register.registration_date,
        register.diagnosis_date,
        pivoted.chadsvasc_date,
        stroke_risk.stroke_risk_score_date,
        stroke_risk.stroke_risk_score_value,
        pivoted.doac_date,
        pivoted.vka_date,
        pivoted.mechanical_valve_date,
        pivoted.antiphospholipid_date,
        pivoted.doac_contra_date,
        pivoted.doac_not_indicated_date,
        pivoted.doac_declined_date,
        pivoted.vka_contra_date,
        pivoted.vka_declined_date,
        pivoted.oac_contra_persisting_date,
        pivoted.oac_contra_expiring_date,
        pivoted.oac_declined_date,
        pivoted.unsuitable_date,
        pivoted.dissent_date,
        pivoted.invitation_dates
    from register
    inner join pivoted
        on register.patient_id = pivoted.patient_id
    inner join stroke_risk
        on register.patient_id = stroke_risk.patient_id

)

select * from final
