-- The cancer-care worklist at the achievement date: patients on the CAN register whose most
-- recent episode of cancer was diagnosed in the preceding 12 months and who have not had a
-- cancer care review (CAN004) or a discussion of the support available (CAN005) since, one
-- row per patient and missing action, with the date by which it must happen (review within
-- 12 months, support within 93 days of diagnosis: qof_indicator_targets) and the indicator's
-- current cascade outcome.

with

inputs as (

    select * from {{ ref('int_indicator_inputs__cancer') }}
    where {{ within_months('diagnosis_date', 12) }}

),

cascades as (

    select * from {{ ref('int_indicator_cascades') }}
    where indicator_code in ('CAN004', 'CAN005')

),

review_due as (

    select
        practice_code,
        patient_id,
        diagnosis_date,
        'cancer_care_review' as action,
        'CAN004' as indicator_code,
        cast(
            diagnosis_date
            + to_months(cast({{ indicator_target('CAN004', 'review_max_months_after_diagnosis') }} as integer))
            as date
        ) as due_date
    from inputs
    where review_date is null

),

support_due as (

    select
        practice_code,
        patient_id,
        diagnosis_date,
        'support_discussion' as action,
        'CAN005' as indicator_code,
        cast(
            diagnosis_date
            + to_days(cast({{ indicator_target('CAN005', 'support_max_days_after_diagnosis') }} as integer))
            as date
        ) as due_date
    from inputs
    where support_date is null

),

actions as (

    select * from review_due
    union all
    select * from support_due

),

final as (

    select
        cast(actions.practice_code as varchar) as practice_code,
        cast(actions.patient_id as varchar) as patient_id,
        {{ achievement_date() }} as achievement_date,
        cast(actions.diagnosis_date as date) as diagnosis_date,
        cast(actions.action as varchar) as action,
        cast(actions.indicator_code as varchar) as indicator_code,
        actions.due_date,
        cast(date_diff('day', {{ achievement_date() }}, actions.due_date) as integer) as days_until_due,
        coalesce(actions.due_date < {{ achievement_date() }}, false) as is_overdue,
        cast(cascades.cascade_outcome as varchar) as cascade_outcome,
        cast(cascades.cascade_reason as varchar) as cascade_reason
    from actions
    left join cascades
        on
            actions.patient_id = cascades.patient_id
            and actions.indicator_code = cascades.indicator_code

)

select * from final
