-- The screening worklist at the achievement date: one row per eligible patient not covered,
-- per programme, at the practice they are registered with, with the last test, invitations
-- and non-responses since it (in the look-back window), any PCA or decline in the 12 months
-- and the next action: check_exclusion, pca_recorded, code_decline, follow_up_non_responder
-- or invite (docs/screening.md).

with

status as (

    select * from {{ ref('int_screening_patient_status') }}
    where
        is_achievement_date
        and is_eligible
        and not is_screened

),

practices as (

    select * from {{ ref('stg_gp_extract__practices') }}

),

final as (

    select
        cast(status.practice_code as varchar) as practice_code,
        cast(practices.pcn_code as varchar) as pcn_code,
        cast(status.patient_id as varchar) as patient_id,
        cast(status.programme as varchar) as programme,
        cast(status.age_band as varchar) as age_band,
        cast(status.age as integer) as age,
        cast(status.sex as varchar) as sex,
        {{ achievement_date() }} as achievement_date,
        cast(status.last_test_date as date) as last_test_date,
        cast(status.lookback_months as integer) as lookback_months,
        cast(status.invitations_since_last_test as integer) as invitations_since_last_test,
        cast(status.last_invitation_date as date) as last_invitation_date,
        cast(status.non_responses_since_last_test as integer) as non_responses_since_last_test,
        status.pca_reason is not null as has_pca,
        cast(status.pca_reason as varchar) as pca_reason,
        status.has_possible_exclusion,
        cast(status.next_action as varchar) as next_action
    from status
    left join practices
        on status.practice_code = practices.practice_code

)

select * from final
