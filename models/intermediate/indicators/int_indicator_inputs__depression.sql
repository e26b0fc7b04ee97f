-- One row per patient on the DEP register (aged 18 or over, unresolved depression) with the
-- dates the DEP004 cascade reads: the diagnosis date of the current episode and every
-- depression review in the 24 months up to the achievement date (thresholds_and_rules.md 2.1).

with

register as (

    select * from {{ ref('int_registers__depression') }}

),

cluster_summary as (

    select * from {{ ref('int_patient_cluster_summary') }}

),

pivoted as (

    select
        register.patient_id,
        {{ cluster_recent_dates('DEPRVW_COD') }} as review_dates,
        {{ cluster_latest_date('DEPRPCAPU_COD') }} as unsuitable_date,
        {{ cluster_latest_date('DEPRPCADEC_COD') }} as dissent_date,
        {{ cluster_recent_dates('DEPRINVITE_COD') }} as invitation_dates
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
        pivoted.unsuitable_date,
        pivoted.dissent_date,
        pivoted.invitation_dates
    from register
    inner join pivoted
        on register.patient_id = pivoted.patient_id

)

select * from final
