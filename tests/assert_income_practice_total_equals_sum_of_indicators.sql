-- A practice's income total equals the sum of its indicator incomes, and so do its points,
-- aspiration and balancing payments. Returns the practices that do not reconcile.

with

indicator_income as (

    select
        practice_code,
        sum(income_gbp) as income_gbp,
        sum(paid_points) as paid_points,
        sum(aspiration_gbp) as aspiration_gbp,
        sum(balancing_payment_gbp) as balancing_payment_gbp
    from {{ ref('fct_practice_income') }}
    group by practice_code

),

practice_totals as (

    select * from {{ ref('fct_practice_income_totals') }}

)

select
    coalesce(practice_totals.practice_code, indicator_income.practice_code) as practice_code,
    practice_totals.income_gbp as total_income_gbp,
    indicator_income.income_gbp as sum_of_indicators_gbp
from practice_totals
full outer join indicator_income
    on practice_totals.practice_code = indicator_income.practice_code
where
    practice_totals.practice_code is null
    or indicator_income.practice_code is null
    or not coalesce(abs(practice_totals.income_gbp - indicator_income.income_gbp) <= 1e-6, false)
    or not coalesce(abs(practice_totals.paid_points - indicator_income.paid_points) <= 1e-9, false)
    or coalesce(abs(practice_totals.aspiration_gbp - indicator_income.aspiration_gbp), 0) > 1e-6
    or (practice_totals.aspiration_gbp is null) != (indicator_income.aspiration_gbp is null)
    or coalesce(abs(practice_totals.balancing_payment_gbp - indicator_income.balancing_payment_gbp), 0) > 1e-6
