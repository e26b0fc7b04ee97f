-- PCN income and PCA opportunities equal the sums of their member practices' opportunities.
-- Returns the PCN-indicator rows that do not reconcile.

with

practice_income as (

    select
        pcn_code,
        indicator_code,
        coalesce(sum(patients_to_upper_threshold), -1) as patients,
        coalesce(sum(gbp_at_upper_threshold), -1) as gbp
    from {{ ref('fct_practice_income_opportunities') }}
    group by pcn_code, indicator_code

),

practice_pca as (

    select
        pcn_code,
        indicator_code,
        sum(patients_returned) as patients,
        sum(gbp_change_if_returned_achieved) as gbp
    from {{ ref('fct_practice_pca_opportunities') }}
    group by pcn_code, indicator_code

),

expected as (

    select
        'income' as opportunity,
        *
    from practice_income
    union all
    select
        'pca' as opportunity,
        *
    from practice_pca

),

pcn as (

    select
        'income' as opportunity,
        pcn_code,
        indicator_code,
        coalesce(patients_to_upper_threshold, -1) as patients,
        coalesce(gbp_at_upper_threshold, -1) as gbp
    from {{ ref('fct_pcn_income_opportunities') }}

    union all

    select
        'pca' as opportunity,
        pcn_code,
        indicator_code,
        patients_returned as patients,
        gbp_change_if_returned_achieved as gbp
    from {{ ref('fct_pcn_pca_opportunities') }}

)

select
    coalesce(pcn.opportunity, expected.opportunity) as opportunity,
    coalesce(pcn.pcn_code, expected.pcn_code) as pcn_code,
    coalesce(pcn.indicator_code, expected.indicator_code) as indicator_code
from pcn
full outer join expected
    on
        pcn.opportunity = expected.opportunity
        and pcn.pcn_code = expected.pcn_code
        and pcn.indicator_code = expected.indicator_code
where
    pcn.pcn_code is null
    or expected.pcn_code is null
    or pcn.patients is distinct from expected.patients
    or not coalesce(abs(pcn.gbp - expected.gbp) <= 1e-6, false)
