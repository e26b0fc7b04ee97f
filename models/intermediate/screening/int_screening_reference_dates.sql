-- The dates screening coverage is measured at: the achievement date and the month ends of the
-- 12 months up to it (the year's trend), plus the same 12 month ends one year earlier (the
-- comparison). All relative to the `achievement_date` var.

with

offsets as (

    -- 0 = the achievement date's month, 23 = the same month two years before it less one.
    select range as months_back
    from range(0, 24)

),

final as (

    select
        cast(months_back as integer) as months_back,
        least(
            last_day(cast({{ achievement_date() }} - to_months(cast(months_back as integer)) as date)),
            {{ achievement_date() }}
        ) as reference_date,
        months_back < 12 as is_current_year,
        months_back = 0 as is_achievement_date
    from offsets

)

select * from final
