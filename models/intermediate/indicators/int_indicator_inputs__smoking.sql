-- One row per GMS patient with every date the smoking indicator cascades read
-- (thresholds_and_rules.md 2.1): the long-term conditions of SMOK002 / SMOK005 from the
-- registers in int_registers, the latest smoking status (current, ex- or never smoker; a
-- current-smoker code wins a same-day tie, a never-smoked code loses it) and the offers of
-- support and treatment.

with

population as (

    select * from {{ ref('int_population') }}

),

registers as (

    select * from {{ ref('int_registers') }}
    where register_code in ('CHD', 'PAD', 'STIA', 'HYP', 'DM', 'COPD', 'CKD', 'AST', 'MH')

),

cluster_summary as (

    select * from {{ ref('int_patient_cluster_summary') }}

),

smoking_conditions as (

    select
        patient_id,
        min(diagnosis_date) as condition_diagnosis_date
    from registers
    group by patient_id

),

pivoted as (

    select
        population.patient_id,
        {{ cluster_latest_date(['SMOK_COD', 'LSMOK_COD', 'EXSMOK_COD', 'NSMOK_COD']) }} as smoking_status_date,
        {{ cluster_latest_date('LSMOK_COD') }} as current_smoker_date,
        {{ cluster_latest_date('EXSMOK_COD') }} as ex_smoker_date,
        {{ cluster_latest_date('NSMOK_COD') }} as never_smoked_date,
        {{ cluster_latest_date(['REFERSSSA_COD', 'PHARM_COD']) }} as support_offer_date,
        {{ cluster_latest_date('SMOKSTATDEC_COD') }} as smoking_status_declined_date,
        {{ cluster_latest_date('SMOKPCAPU_COD') }} as unsuitable_date,
        {{ cluster_latest_date('SMOKPCADEC_COD') }} as dissent_date,
        {{ cluster_recent_dates('SMOKINVITE_COD') }} as invitation_dates
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
        population.date_of_birth,
        population.registration_date,
        smoking_conditions.patient_id is not null as has_smoking_condition,
        smoking_conditions.condition_diagnosis_date,
        pivoted.smoking_status_date,
        coalesce(
            pivoted.current_smoker_date
            >= greatest(pivoted.ex_smoker_date, pivoted.never_smoked_date, pivoted.current_smoker_date),
            false
        ) as is_current_smoker,
        coalesce(
            pivoted.never_smoked_date > greatest(pivoted.current_smoker_date, pivoted.ex_smoker_date)
            or (
                pivoted.current_smoker_date is null
                and pivoted.ex_smoker_date is null
                and pivoted.never_smoked_date is not null
            ),
            false
        ) as is_never_smoker,
        pivoted.never_smoked_date,
        pivoted.support_offer_date,
        pivoted.smoking_status_declined_date,
        pivoted.unsuitable_date,
        pivoted.dissent_date,
        pivoted.invitation_dates
    from population
    inner join pivoted
        on population.patient_id = pivoted.patient_id
    left join smoking_conditions
        on population.patient_id = smoking_conditions.patient_id

)

select * from final
