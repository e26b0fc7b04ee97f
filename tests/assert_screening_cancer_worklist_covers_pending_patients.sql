-- Every patient excluded from CAN004 because they are newly diagnosed and not yet reviewed
-- (DIAGCRV12M) is on the cancer-care worklist for a review, and every patient excluded from
-- CAN005 because the support discussion is still to come (DIAGCSUP3M) is on it for a support
-- discussion, before the due date.

with

pending as (

    select
        patient_id,
        case indicator_code when 'CAN004' then 'cancer_care_review' else 'support_discussion' end as action
    from {{ ref('int_indicator_cascades') }}
    where
        (indicator_code = 'CAN004' and cascade_reason = 'DIAGCRV12M')
        or (indicator_code = 'CAN005' and cascade_reason = 'DIAGCSUP3M')

),

worklist as (

    select * from {{ ref('fct_cancer_care_worklist') }}

)

select pending.*
from pending
left join worklist
    on
        pending.patient_id = worklist.patient_id
        and pending.action = worklist.action
where worklist.patient_id is null or worklist.is_overdue
