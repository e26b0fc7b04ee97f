-- Each patient's screening status at every reference date: one row per reference date,
-- patient and programme whose age band (and sex) the patient is in on that date
-- (screening_programmes seed). Says whether the patient is excluded, screened in the
-- programme's look-back window, has a PCA (or, for bowel and breast, a decline) in the 12
-- months up to the date, and for the unscreened the worklist's next action.

with

population as (

    select * from {{ ref('int_screening_population_at_dates') }}

),

reference_dates as (

    select * from {{ ref('int_screening_reference_dates') }}

),

programmes as (

    select * from {{ ref('screening_programmes') }}

),

history as (

    select * from {{ ref('int_screening_patient_history') }}

),

in_band as (

    select
        population.reference_date,
        population.patient_id,
        population.practice_code,
        population.sex,
        population.age,
        programmes.programme,
        programmes.age_band,
        programmes.lookback_months,
        programmes.national_standard_pct,
        programmes.achievable_standard_pct,
        programmes.no_response_invitations,
        cast(population.reference_date - to_months(programmes.lookback_months) as date) as window_start
    from population
    inner join programmes
        on
            (programmes.sex is null or population.sex = programmes.sex)
            and population.age between programmes.min_age and programmes.max_age
            and (programmes.valid_from is null or population.reference_date >= programmes.valid_from)
            and (programmes.valid_to is null or population.reference_date <= programmes.valid_to)

),

recorded as (

    select
        in_band.*,
        history.exclusion_date,
        list_max(list_filter(coalesce(history.test_dates, []), d -> d <= in_band.reference_date))
            as last_test_date,
        list_max(list_filter(coalesce(history.unsuitable_dates, []), d -> d <= in_band.reference_date))
            as latest_unsuitable_date,
        list_max(list_filter(coalesce(history.decline_dates, []), d -> d <= in_band.reference_date))
            as latest_decline_date,
        list_max(list_filter(coalesce(history.no_response_pca_dates, []), d -> d <= in_band.reference_date))
            as latest_no_response_date,
        list_min(list_filter(coalesce(history.possible_exclusion_dates, []), d -> d <= in_band.reference_date))
            as possible_exclusion_date,
        list_filter(
            coalesce(history.invitation_dates, []),
            d -> d > in_band.window_start and d <= in_band.reference_date
        ) as invitations_in_window,
        len(list_filter(
            coalesce(history.non_adequate_dates, []),
            d -> d > in_band.window_start and d <= in_band.reference_date
        )) as non_adequate_in_window,
        history.unsuitable_reason,
        history.decline_reason,
        history.no_response_reason
    from in_band
    left join history
        on
            in_band.patient_id = history.patient_id
            and in_band.programme = history.programme

),

assessed as (

    select
        *,
        coalesce(exclusion_date <= reference_date, false) as is_excluded,
        coalesce(last_test_date > window_start, false) as is_screened,
        case
            when {{ within_months_of('latest_unsuitable_date', 'reference_date', 12) }} then unsuitable_reason
            when {{ within_months_of('latest_decline_date', 'reference_date', 12) }} then decline_reason
            when {{ within_months_of('latest_no_response_date', 'reference_date', 12) }} then no_response_reason
        end as pca_reason,
        len(invitations_in_window) as invitations_since_last_test,
        list_max(invitations_in_window) as last_invitation_date,
        possible_exclusion_date is not null
        or coalesce(latest_unsuitable_date <= cast(reference_date - to_months(12) as date), false)
            as has_possible_exclusion,
        coalesce(
            greatest(latest_decline_date, latest_no_response_date) <= cast(reference_date - to_months(12) as date),
            false
        ) as has_lapsed_decline
    from recorded

),

final as (

    select
        assessed.reference_date,
        reference_dates.months_back,
        reference_dates.is_current_year,
        reference_dates.is_achievement_date,
        assessed.patient_id,
        assessed.practice_code,
        assessed.sex,
        assessed.age,
        assessed.programme,
        assessed.age_band,
        assessed.lookback_months,
        assessed.national_standard_pct,
        assessed.achievable_standard_pct,
        assessed.is_excluded,
        not assessed.is_excluded as is_eligible,
        not assessed.is_excluded and assessed.is_screened as is_screened,
        assessed.last_test_date,
        case when not assessed.is_excluded and not assessed.is_screened then assessed.pca_reason end as pca_reason,
        assessed.invitations_since_last_test,
        assessed.last_invitation_date,
        assessed.non_adequate_in_window as non_responses_since_last_test,
        assessed.has_possible_exclusion,
        case
            when assessed.is_excluded or assessed.is_screened then null
            when assessed.has_possible_exclusion then 'check_exclusion'
            when assessed.pca_reason is not null then 'pca_recorded'
            when
                assessed.invitations_since_last_test >= assessed.no_response_invitations
                or assessed.has_lapsed_decline
                then 'code_decline'
            when assessed.invitations_since_last_test > 0 or assessed.non_adequate_in_window > 0
                then 'follow_up_non_responder'
            else 'invite'
        end as next_action
    from assessed
    inner join reference_dates
        on assessed.reference_date = reference_dates.reference_date

)

select * from final
