-- One row per woman in the cervical screening population (aged 25-64 at the achievement date:
-- the CS005 lower and CS006 upper age limits, NHS Digital list 25_64_F) with every date the
-- CS005 / CS006 cascades read (thresholds_and_rules.md 2.1 Cervical screening).

with

population as (

    select * from {{ ref('int_population') }}
    where
        sex = 'F'
        and age >= {{ indicator_target('CS005', 'age_min') }}
        and age <= {{ indicator_target('CS006', 'age_max') }}

),

cluster_summary as (

    select * from {{ ref('int_patient_cluster_summary') }}

),

pivoted as (

    select
        population.patient_id,
        {{ cluster_latest_date('SMEAR_COD') }} as smear_date,
        {{ cluster_first_date('NOCX_COD') }} as no_cervix_date,
        {{ cluster_latest_date('CSPU_COD') }} as unsuitable_date,
        {{ cluster_latest_date('PREG_COD') }} as pregnancy_date,
        {{ cluster_latest_date('CSDEC_COD') }} as dissent_date,
        {{ cluster_latest_date('CSPCAINVITE_COD') }} as no_response_date
    from population
    left join cluster_summary
        on population.patient_id = cluster_summary.patient_id
    group by population.patient_id

),

final as (

    select
        population.patient_id,
        population.practice_code,
        population.sex,
        population.age,
        population.registration_date,
        pivoted.smear_date,
        pivoted.no_cervix_date,
        pivoted.unsuitable_date,
        pivoted.pregnancy_date,
        pivoted.dissent_date,
        pivoted.no_response_date
    from population
    inner join pivoted
        on population.patient_id = pivoted.patient_id

)

select * from final
