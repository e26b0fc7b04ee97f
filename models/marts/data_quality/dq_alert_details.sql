-- One row per record behind a practice's data-quality alert: every quarantined row that
-- reaches a practice, every implausible value counted for QOF as recorded, and every patient
-- a clinical coding check flags, with the practice it belongs to. Coding checks look at the
-- practice's registered population at the achievement date, so a practice only ever sees its
-- own patients.

with

quarantined_rows as (

    select * from {{ ref('dq_quarantined_rows') }}
    where attributed_practice_code is not null

),

implausible_values as (

    select * from {{ ref('dq_implausible_values') }}

),

coding_rules as (

    select * from {{ ref('qof_dq_coding_rules') }}

),

plausibility as (

    select * from {{ ref('qof_value_plausibility') }}

),

cluster_codes as (

    select * from {{ ref('stg_reference__cluster_codes') }}

),

population as (

    select
        patient_id,
        practice_code
    from {{ ref('int_population') }}

),

registers as (

    select * from {{ ref('fct_patient_register') }}

),

cluster_summary as (

    select * from {{ ref('int_patient_cluster_summary') }}

),

clustered_events as (

    select * from {{ ref('int_clustered_events') }}

),

events as (

    select * from {{ ref('stg_gp_extract__events') }}

),

patient_indicator as (

    select * from {{ ref('fct_patient_indicator') }}

),

invitation_rules as (

    select distinct
        check_code,
        check_subject,
        register_code,
        cluster_code
    from coding_rules
    where check_code = 'invitation_without_follow_up'

),

pca_rates as (

    select * from {{ ref('dq_practice_pca_rates') }}
    where is_far_above_pcn

),

quarantine_details as (

    select
        attributed_practice_code as practice_code,
        quarantine_reason as check_code,
        table_name as check_subject,
        patient_id,
        record_id,
        table_name,
        record_date,
        raw_record as detail
    from quarantined_rows

),

never_monitored as (

    select
        coding_rules.check_code,
        coding_rules.check_subject,
        registers.practice_code,
        registers.patient_id,
        registers.diagnosis_date as record_date,
        'On the ' || registers.register_code || ' register since '
        || strftime(registers.diagnosis_date, '%Y-%m-%d') || '; no '
        || string_agg(distinct coding_rules.related_cluster_code, ' or ' order by coding_rules.related_cluster_code)
        || ' ever recorded' as detail
    from coding_rules
    inner join registers
        on coding_rules.register_code = registers.register_code
    left join cluster_summary
        on
            registers.patient_id = cluster_summary.patient_id
            and coding_rules.related_cluster_code = cluster_summary.cluster_code
    where coding_rules.check_code = 'register_never_monitored'
    group by
        coding_rules.check_code,
        coding_rules.check_subject,
        registers.practice_code,
        registers.patient_id,
        registers.register_code,
        registers.diagnosis_date
    having count(cluster_summary.patient_id) = 0

),

conflicting as (

    select
        coding_rules.check_code,
        coding_rules.check_subject,
        population.practice_code,
        population.patient_id,
        max(greatest(trigger_codes.latest_date, related_codes.latest_date)) as record_date,
        string_agg(
            trigger_codes.cluster_code || ' last coded ' || strftime(trigger_codes.latest_date, '%Y-%m-%d')
            || ' and ' || related_codes.cluster_code || ' last coded '
            || strftime(related_codes.latest_date, '%Y-%m-%d'),
            '; ' order by related_codes.cluster_code
        ) as detail
    from coding_rules
    inner join cluster_summary as trigger_codes
        on coding_rules.cluster_code = trigger_codes.cluster_code
    inner join cluster_summary as related_codes
        on
            trigger_codes.patient_id = related_codes.patient_id
            and coding_rules.related_cluster_code = related_codes.cluster_code
    inner join population
        on trigger_codes.patient_id = population.patient_id
    where coding_rules.check_code = 'conflicting_codes'
    group by coding_rules.check_code, coding_rules.check_subject, population.practice_code, population.patient_id

),

resolved_without_diagnosis as (

    select
        coding_rules.check_code,
        coding_rules.check_subject,
        population.practice_code,
        population.patient_id,
        resolved.latest_date as record_date,
        resolved.cluster_code || ' coded ' || strftime(resolved.latest_date, '%Y-%m-%d') || '; no '
        || string_agg(distinct coding_rules.related_cluster_code, ' or ' order by coding_rules.related_cluster_code)
        || ' on or before it' as detail
    from coding_rules
    inner join cluster_summary as resolved
        on coding_rules.cluster_code = resolved.cluster_code
    inner join population
        on resolved.patient_id = population.patient_id
    left join cluster_summary as diagnosis
        on
            resolved.patient_id = diagnosis.patient_id
            and coding_rules.related_cluster_code = diagnosis.cluster_code
            and resolved.latest_date >= diagnosis.first_date
    where coding_rules.check_code = 'resolved_without_diagnosis'
    group by
        coding_rules.check_code,
        coding_rules.check_subject,
        population.practice_code,
        population.patient_id,
        resolved.cluster_code,
        resolved.latest_date
    having count(diagnosis.patient_id) = 0

),

invitations as (

    select
        invitation_rules.check_code,
        invitation_rules.check_subject,
        registers.practice_code,
        registers.patient_id,
        min(clustered_events.event_date) as first_invitation_date,
        max(clustered_events.event_date) as last_invitation_date,
        count(distinct clustered_events.event_date) as invitation_dates
    from invitation_rules
    inner join registers
        on invitation_rules.register_code = registers.register_code
    inner join clustered_events
        on
            registers.patient_id = clustered_events.patient_id
            and invitation_rules.cluster_code = clustered_events.cluster_code
    where {{ within_months('clustered_events.event_date', 12) }}
    group by invitation_rules.check_code, invitation_rules.check_subject, registers.practice_code, registers.patient_id

),

invitation_without_follow_up as (

    select
        invitations.check_code,
        invitations.check_subject,
        invitations.practice_code,
        invitations.patient_id,
        invitations.first_invitation_date as record_date,
        'Invited ' || invitations.invitation_dates || ' time(s) from '
        || strftime(invitations.first_invitation_date, '%Y-%m-%d')
        || '; no second invitation {{ var("invitation_min_gap_days") }} or more days later and no '
        || string_agg(distinct coding_rules.related_cluster_code, ' or ' order by coding_rules.related_cluster_code)
        || ' since' as detail
    from invitations
    inner join coding_rules
        on
            invitations.check_code = coding_rules.check_code
            and invitations.check_subject = coding_rules.check_subject
    left join clustered_events as follow_up
        on
            invitations.patient_id = follow_up.patient_id
            and coding_rules.related_cluster_code = follow_up.cluster_code
            and invitations.first_invitation_date <= follow_up.event_date
    where
        invitations.last_invitation_date
        < invitations.first_invitation_date + {{ var('invitation_min_gap_days') }}
    group by
        invitations.check_code,
        invitations.check_subject,
        invitations.practice_code,
        invitations.patient_id,
        invitations.first_invitation_date,
        invitations.invitation_dates
    having count(follow_up.patient_id) = 0

),

measurement_codes as (

    select
        cluster_codes.code,
        string_agg(distinct cluster_codes.cluster_code, ', ' order by cluster_codes.cluster_code) as cluster_codes
    from plausibility
    inner join cluster_codes
        on plausibility.cluster_code = cluster_codes.cluster_code
    where cluster_codes.code_system = 'snomed'
    group by cluster_codes.code

),

reading_without_value as (

    select
        'reading_without_value' as check_code,
        measurement_codes.cluster_codes as check_subject,
        population.practice_code,
        events.patient_id,
        events.event_id as record_id,
        events.event_date as record_date,
        measurement_codes.cluster_codes || ' code ' || events.snomed_code || ' recorded '
        || strftime(events.event_date, '%Y-%m-%d') || ' with no value' as detail
    from events
    inner join measurement_codes
        on events.snomed_code = measurement_codes.code
    inner join population
        on events.patient_id = population.patient_id
    where
        events.value is null
        and {{ within_months('events.event_date', 12) }}

),

pca_above_network as (

    select
        'pca_rate_above_network' as check_code,
        patient_indicator.indicator_code as check_subject,
        patient_indicator.practice_code,
        patient_indicator.patient_id,
        cast(null as date) as record_date,
        patient_indicator.indicator_code || ' personalised care adjustment ' || patient_indicator.pca_reason
            as detail
    from patient_indicator
    inner join pca_rates
        on
            patient_indicator.practice_code = pca_rates.practice_code
            and patient_indicator.indicator_code = pca_rates.indicator_code
    where patient_indicator.pca_reason is not null

),

patient_checks as (

    select * from never_monitored
    union all
    select * from conflicting
    union all
    select * from resolved_without_diagnosis
    union all
    select * from invitation_without_follow_up
    union all
    select * from pca_above_network

),

unioned as (

    select
        practice_code,
        check_code,
        check_subject,
        patient_id,
        record_id,
        table_name,
        record_date,
        detail
    from quarantine_details

    union all

    select
        practice_code,
        check_code,
        check_subject,
        patient_id,
        patient_id as record_id,
        'patients' as table_name,
        record_date,
        detail
    from patient_checks

    union all

    select
        practice_code,
        check_code,
        check_subject,
        patient_id,
        record_id,
        table_name,
        record_date,
        detail
    from implausible_values

    union all

    select
        practice_code,
        check_code,
        check_subject,
        patient_id,
        record_id,
        'events' as table_name,
        record_date,
        detail
    from reading_without_value

)

select * from unioned
