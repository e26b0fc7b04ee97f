-- One row per GMS-registered patient with the dates the blood pressure public health
-- indicator cascade reads (thresholds_and_rules.md 2.1).

with

population as (

    select * from {{ ref('int_population') }}

),

cluster_summary as (

    select * from {{ ref('int_patient_cluster_summary') }}

),

blood_pressure as (

    select * from {{ ref('int_patient_latest_blood_pressure') }}

),

declined as (

    select
        cluster_summary.patient_id,
        {{ cluster_latest_date('BPDEC_COD') }} as bp_declined_date
    from cluster_summary
    where cluster_summary.cluster_code = 'BPDEC_COD'
    group by cluster_summary.patient_id

),

final as (

    select
        population.patient_id,
        population.practice_code,
        population.age,
        population.registration_date,
        blood_pressure.latest_bp_date,
        declined.bp_declined_date
    from population
    left join blood_pressure
        on population.patient_id = blood_pressure.patient_id
    left join declined
        on population.patient_id = declined.patient_id

)

select * from final
