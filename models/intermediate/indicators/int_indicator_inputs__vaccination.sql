-- One row per GMS patient with every vaccination date the VI cascades read
-- (thresholds_and_rules.md 2.1), as lists of every date: childhood doses are counted by age at
-- the dose and shingles doses back to the 70th birthday. A shingles vaccination coded with a
-- live-vaccine code (SHVACLIVE_COD) is a single-dose course; any other shingles vaccination
-- counts as a dose of the two-dose course.

with

population as (

    select * from {{ ref('int_population') }}

),

vaccination_events as (

    select * from {{ ref('int_clustered_events') }}
    where cluster_code in (
        '6IN1VAC_COD', '5IN1VAC_COD', 'DTAPIPVVACBOOST_COD', 'DTPCON_COD', 'DTAPIPVCON_COD',
        'MMRVAC1_COD', 'MMRVAC2_COD', 'MMRCON_COD', 'SHVACGP_COD', 'SHVACLIVE_COD', 'SHCON_COD',
        'SHDEC_COD'
    )

),

live_shingles_events as (

    select
        patient_id,
        event_date,
        code
    from vaccination_events
    where cluster_code = 'SHVACLIVE_COD'

),

shingles_course_events as (

    select
        vaccination_events.patient_id,
        vaccination_events.event_date
    from vaccination_events
    left join live_shingles_events
        on
            vaccination_events.patient_id = live_shingles_events.patient_id
            and vaccination_events.event_date = live_shingles_events.event_date
            and vaccination_events.code = live_shingles_events.code
    where
        vaccination_events.cluster_code = 'SHVACGP_COD'
        and live_shingles_events.patient_id is null

),

shingles_course as (

    select
        patient_id,
        list_sort(list_distinct(list(event_date))) as shingles_course_dates
    from shingles_course_events
    group by patient_id

),

vaccination_dates as (

    select
        patient_id,
        list_sort(list_distinct(
            list(event_date) filter (where cluster_code in ('6IN1VAC_COD', '5IN1VAC_COD', 'DTAPIPVVACBOOST_COD'))
        )) as dtp_dates,
        list_sort(list_distinct(list(event_date) filter (where cluster_code = 'DTPCON_COD')))
            as dtp_contraindication_dates,
        list_sort(list_distinct(list(event_date) filter (where cluster_code in ('MMRVAC1_COD', 'MMRVAC2_COD'))))
            as mmr_dates,
        list_sort(list_distinct(list(event_date) filter (where cluster_code = 'MMRCON_COD')))
            as mmr_contraindication_dates,
        list_sort(list_distinct(list(event_date) filter (where cluster_code = 'DTAPIPVVACBOOST_COD')))
            as dtap_ipv_booster_dates,
        list_sort(list_distinct(list(event_date) filter (where cluster_code in ('DTAPIPVCON_COD', 'DTPCON_COD'))))
            as dtap_ipv_contraindication_dates,
        list_sort(list_distinct(list(event_date) filter (where cluster_code = 'SHVACLIVE_COD')))
            as shingles_live_dates,
        list_sort(list_distinct(list(event_date) filter (where cluster_code = 'SHCON_COD')))
            as shingles_contraindication_dates,
        list_sort(list_distinct(list(event_date) filter (where cluster_code = 'SHDEC_COD')))
            as shingles_declined_dates
    from vaccination_events
    group by patient_id

),

final as (

    select
        population.patient_id,
        population.practice_code,
        population.age,
        population.date_of_birth,
        population.registration_date,
        coalesce(vaccination_dates.dtp_dates, []) as dtp_dates,
        coalesce(vaccination_dates.dtp_contraindication_dates, []) as dtp_contraindication_dates,
        coalesce(vaccination_dates.mmr_dates, []) as mmr_dates,
        coalesce(vaccination_dates.mmr_contraindication_dates, []) as mmr_contraindication_dates,
        coalesce(vaccination_dates.dtap_ipv_booster_dates, []) as dtap_ipv_booster_dates,
        coalesce(vaccination_dates.dtap_ipv_contraindication_dates, []) as dtap_ipv_contraindication_dates,
        coalesce(vaccination_dates.shingles_live_dates, []) as shingles_live_dates,
        coalesce(shingles_course.shingles_course_dates, []) as shingles_course_dates,
        coalesce(vaccination_dates.shingles_contraindication_dates, []) as shingles_contraindication_dates,
        coalesce(vaccination_dates.shingles_declined_dates, []) as shingles_declined_dates
    from population
    left join vaccination_dates
        on population.patient_id = vaccination_dates.patient_id
    left join shingles_course
        on population.patient_id = shingles_course.patient_id

)

select * from final
