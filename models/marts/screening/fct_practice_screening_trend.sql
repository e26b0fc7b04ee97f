-- Screening coverage at each month end of the year up to the achievement date, with the same
-- month end one year earlier: one row per practice, programme, age band and month end. The
-- month ends come from int_screening_reference_dates (relative to the achievement date) and
-- are all computed in one pass; the standards are those in force on each date.

with

practices as (

    select * from {{ ref('stg_gp_extract__practices') }}

),

reference_dates as (

    select * from {{ ref('int_screening_reference_dates') }}

),

programmes as (

    select * from {{ ref('screening_programmes') }}

),

status as (

    select * from {{ ref('int_screening_patient_status') }}

),

counts as (

    select
        practice_code,
        programme,
        age_band,
        months_back,
        count(*) filter (where is_eligible) as eligible,
        count(*) filter (where is_screened) as screened
    from status
    group by practice_code, programme, age_band, months_back

),

grid as (

    select
        practices.practice_code,
        practices.pcn_code,
        practices.icb_code,
        programmes.programme,
        programmes.age_band,
        programmes.national_standard_pct,
        reference_dates.months_back,
        reference_dates.reference_date,
        reference_dates.is_current_year
    from practices
    cross join reference_dates
    inner join programmes
        on
            (programmes.valid_from is null or reference_dates.reference_date >= programmes.valid_from)
            and (programmes.valid_to is null or reference_dates.reference_date <= programmes.valid_to)

),

with_counts as (

    select
        grid.*,
        coalesce(counts.eligible, 0) as eligible,
        coalesce(counts.screened, 0) as screened
    from grid
    left join counts
        on
            grid.practice_code = counts.practice_code
            and grid.programme = counts.programme
            and grid.age_band = counts.age_band
            and grid.months_back = counts.months_back

),

final as (

    select
        cast(this_year.practice_code as varchar) as practice_code,
        cast(this_year.pcn_code as varchar) as pcn_code,
        cast(this_year.icb_code as varchar) as icb_code,
        cast(this_year.programme as varchar) as programme,
        cast(this_year.age_band as varchar) as age_band,
        cast(this_year.reference_date as date) as month_end,
        cast(this_year.months_back as integer) as months_before_achievement_date,
        cast(this_year.eligible as bigint) as eligible,
        cast(this_year.screened as bigint) as screened,
        {{ coverage_ratio('this_year.screened', 'this_year.eligible') }} as coverage,
        cast(this_year.national_standard_pct as decimal(6, 2)) as national_standard_pct,
        cast(last_year.reference_date as date) as month_end_last_year,
        cast(last_year.eligible as bigint) as eligible_last_year,
        cast(last_year.screened as bigint) as screened_last_year,
        {{ coverage_ratio('last_year.screened', 'last_year.eligible') }} as coverage_last_year,
        {{ coverage_ratio('this_year.screened', 'this_year.eligible') }}
        - {{ coverage_ratio('last_year.screened', 'last_year.eligible') }} as coverage_change
    from with_counts as this_year
    left join with_counts as last_year
        on
            this_year.practice_code = last_year.practice_code
            and this_year.programme = last_year.programme
            and this_year.age_band = last_year.age_band
            and this_year.months_back + 12 = last_year.months_back
    where this_year.is_current_year

)

select * from final
