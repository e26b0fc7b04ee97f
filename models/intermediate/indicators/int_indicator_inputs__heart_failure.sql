-- One row per patient on the HF register with every date and value the heart failure
-- indicator cascades read (thresholds_and_rules.md 2.1).

with

register as (

    select * from {{ ref('int_registers__heart_failure') }}

),

all_registers as (

    select * from {{ ref('int_registers') }}

),

cluster_summary as (

    select * from {{ ref('int_patient_cluster_summary') }}

),

palliative_care as (

    select distinct patient_id
    from all_registers
    where register_code = 'PC'

),

pivoted as (

    select
        register.patient_id,
        {{ cluster_latest_date(['HFLVSD_COD', 'REDEJCFRAC_COD']) }} as lvsd_date,
        {{ cluster_latest_date(['ACE_COD', 'AII_COD']) }} as acei_arb_date,
        {{ cluster_latest_date('XACE_COD') }} as ace_contra_persisting_date,
        {{ cluster_latest_date('TXACE_COD') }} as ace_contra_expiring_date,
        {{ cluster_latest_date('XAII_COD') }} as arb_contra_persisting_date,
        {{ cluster_latest_date('TXAII_COD') }} as arb_contra_expiring_date,
        {{ cluster_latest_date('ACEDEC_COD') }} as ace_declined_date,
        {{ cluster_latest_date('AIIDEC_COD') }} as arb_declined_date,
        {{ cluster_latest_date('LBB_COD') }} as licensed_beta_blocker_date,
        {{ cluster_latest_date('ULBB_COD') }} as unlicensed_beta_blocker_date,
        {{ cluster_latest_date('XLBB_COD') }} as beta_blocker_contra_persisting_date,
        {{ cluster_latest_date('TXLBB_COD') }} as beta_blocker_contra_expiring_date,
        {{ cluster_latest_date('LBBDEC_COD') }} as beta_blocker_declined_date,
        {{ cluster_latest_date('HFREV_COD') }} as hf_review_date,
        {{ cluster_latest_date('MEDRVWDEC_COD') }} as medication_review_declined_date,
        {{ cluster_recent_dates('ECHO_COD') }} as echo_dates,
        {{ cluster_recent_dates('ECHOPU_COD') }} as echo_unsuitable_dates,
        {{ cluster_latest_date('HFPCAPU_COD') }} as unsuitable_date,
        {{ cluster_recent_dates('HFPCAPU_COD') }} as unsuitable_dates,
        {{ cluster_latest_date('HFPCADEC_COD') }} as dissent_date,
        {{ cluster_recent_dates('HFINVITE_COD') }} as invitation_dates
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
        palliative_care.patient_id is not null as is_on_palliative_care_register,
        pivoted.lvsd_date,
        pivoted.acei_arb_date,
        pivoted.ace_contra_persisting_date,
        pivoted.ace_contra_expiring_date,
        pivoted.arb_contra_persisting_date,
        pivoted.arb_contra_expiring_date,
        pivoted.ace_declined_date,
        pivoted.arb_declined_date,
        pivoted.licensed_beta_blocker_date,
        pivoted.unlicensed_beta_blocker_date,
        pivoted.beta_blocker_contra_persisting_date,
        pivoted.beta_blocker_contra_expiring_date,
        pivoted.beta_blocker_declined_date,
        pivoted.hf_review_date,
        pivoted.medication_review_declined_date,
        pivoted.echo_dates,
        pivoted.echo_unsuitable_dates,
        pivoted.unsuitable_date,
        pivoted.unsuitable_dates,
        pivoted.dissent_date,
        pivoted.invitation_dates
    from register
    inner join pivoted
        on register.patient_id = pivoted.patient_id
    left join palliative_care
        on register.patient_id = palliative_care.patient_id

)

select * from final
