-- Screening coverage at the achievement date: one row per practice, programme and age band
-- (screening_programmes seed, the standards in force on that date), every practice listed
-- even with nobody eligible. Eligible = registered patients in the band less the excluded
-- (cervix removed); screened = an adequate test in the programme's look-back window.

with

practices as (

    select * from {{ ref('stg_gp_extract__practices') }}

),

programmes as (

    select * from {{ ref('screening_programmes') }}
    where
        (valid_from is null or valid_from <= {{ achievement_date() }})
        and (valid_to is null or {{ achievement_date() }} <= valid_to)

),

status as (

    select * from {{ ref('int_screening_patient_status') }}
    where is_achievement_date

),

counts as (

    select
        practice_code,
        programme,
        age_band,
        count(*) filter (where is_eligible) as eligible,
        count(*) filter (where is_excluded) as excluded,
        count(*) filter (where is_screened) as screened,
        count(*) filter (where pca_reason is not null) as pca_count
    from status
    group by practice_code, programme, age_band

),

grid as (

    select
        practices.practice_code,
        practices.pcn_code,
        practices.icb_code,
        programmes.programme,
        programmes.age_band,
        programmes.min_age,
        programmes.max_age,
        programmes.lookback_months,
        programmes.national_standard_pct,
        programmes.achievable_standard_pct
    from practices
    cross join programmes

),

joined as (

    select
        grid.*,
        coalesce(counts.eligible, 0) as eligible,
        coalesce(counts.excluded, 0) as excluded,
        coalesce(counts.screened, 0) as screened,
        coalesce(counts.pca_count, 0) as pca_count
    from grid
    left join counts
        on
            grid.practice_code = counts.practice_code
            and grid.programme = counts.programme
            and grid.age_band = counts.age_band

),

final as (

    select
        cast(practice_code as varchar) as practice_code,
        cast(pcn_code as varchar) as pcn_code,
        cast(icb_code as varchar) as icb_code,
        cast(programme as varchar) as programme,
        cast(age_band as varchar) as age_band,
        cast(min_age as integer) as min_age,
        cast(max_age as integer) as max_age,
        cast(lookback_months as integer) as lookback_months,
        {{ achievement_date() }} as achievement_date,
        cast(eligible as bigint) as eligible,
        cast(excluded as bigint) as excluded,
        cast(screened as bigint) as screened,
        cast(eligible - screened as bigint) as not_screened,
        cast(pca_count as bigint) as pca_count,
        {{ coverage_ratio('screened', 'eligible') }} as coverage,
        {{ coverage_ratio('screened', 'eligible - pca_count') }} as coverage_excluding_pcas,
        cast(national_standard_pct as decimal(6, 2)) as national_standard_pct,
        cast(achievable_standard_pct as decimal(6, 2)) as achievable_standard_pct,
        {{ patients_to_standard('eligible', 'screened', 'national_standard_pct') }} as gap_to_standard,
        {{ patients_to_standard('eligible', 'screened', 'achievable_standard_pct') }} as gap_to_achievable,
        case
            when eligible = 0 then null
            else {{ patients_to_standard('eligible', 'screened', 'national_standard_pct') }} = 0
        end as meets_standard
    from joined

)

select * from final
