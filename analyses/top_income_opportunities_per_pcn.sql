-- Top income opportunities per PCN: the ten practice-indicator pairs of each PCN with the most
-- pounds still to earn at the upper threshold, with the patients it would take.
-- `dbt compile --select top_income_opportunities_per_pcn` writes the runnable SQL to target/.

with

opportunities as (

    select * from {{ ref('fct_practice_income_opportunities') }}

),

final as (

    select
        pcn_code,
        opportunity_rank_in_pcn,
        practice_code,
        indicator_code,
        opportunity_status,
        achievement,
        patients_to_next_point,
        gbp_at_next_point,
        patients_to_upper_threshold,
        gbp_at_upper_threshold,
        gbp_per_patient_to_upper_threshold
    from opportunities
    where
        opportunity_rank_in_pcn <= {{ var('top_n', 10) }}
        and gbp_at_upper_threshold > 0

)

select * from final
order by pcn_code, opportunity_rank_in_pcn
