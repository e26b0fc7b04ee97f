-- Screening coverage per PCN at each month end of the year and the same month end one year
-- earlier: the practice trend's counts summed over member practices (practices outside any
-- PCN under `UNALIGNED`), coverage recomputed from the sums.

with

practice_trend as (

    select * from {{ ref('fct_practice_screening_trend') }}

),

summed as (

    select
        coalesce(pcn_code, 'UNALIGNED') as pcn_code,
        programme,
        age_band,
        month_end,
        any_value(months_before_achievement_date) as months_before_achievement_date,
        any_value(national_standard_pct) as national_standard_pct,
        any_value(month_end_last_year) as month_end_last_year,
        count(*) as practice_count,
        sum(eligible) as eligible,
        sum(screened) as screened,
        sum(eligible_last_year) as eligible_last_year,
        sum(screened_last_year) as screened_last_year
    from practice_trend
    group by coalesce(pcn_code, 'UNALIGNED'), programme, age_band, month_end

),

final as (

    select
        cast(pcn_code as varchar) as pcn_code,
        cast(programme as varchar) as programme,
        cast(age_band as varchar) as age_band,
        cast(month_end as date) as month_end,
        cast(months_before_achievement_date as integer) as months_before_achievement_date,
        cast(practice_count as bigint) as practice_count,
        cast(eligible as bigint) as eligible,
        cast(screened as bigint) as screened,
        {{ coverage_ratio('screened', 'eligible') }} as coverage,
        cast(national_standard_pct as decimal(6, 2)) as national_standard_pct,
        cast(month_end_last_year as date) as month_end_last_year,
        cast(eligible_last_year as bigint) as eligible_last_year,
        cast(screened_last_year as bigint) as screened_last_year,
        {{ coverage_ratio('screened_last_year', 'eligible_last_year') }} as coverage_last_year,
        {{ coverage_ratio('screened', 'eligible') }}
        - {{ coverage_ratio('screened_last_year', 'eligible_last_year') }} as coverage_change
    from summed

)

select * from final
