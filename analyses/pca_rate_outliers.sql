-- PCA-rate outliers: practices whose personalised care adjustment rate lies outside the 99.8 %
-- funnel limits of their PCN, with what would change if their PCA use fell to the PCN median.

with

funnel as (

    select * from {{ ref('fct_practice_indicator_funnel') }}
    where
        measure = 'pca_rate'
        and comparison_level = 'pcn'

),

pca_opportunities as (

    select * from {{ ref('fct_practice_pca_opportunities') }}

),

final as (

    select
        funnel.comparison_code as pcn_code,
        funnel.practice_code,
        funnel.indicator_code,
        funnel.outlier_998,
        funnel.outlier_95,
        funnel.measure_numerator as pca_count,
        funnel.measure_denominator as eligible,
        funnel.practice_value as pca_rate,
        funnel.comparison_value as pcn_pca_rate,
        funnel.upper_limit_998,
        pca_opportunities.pcn_median_pca_rate,
        pca_opportunities.patients_returned,
        pca_opportunities.gbp_change_if_returned_achieved,
        pca_opportunities.gbp_change_if_returned_not_achieved
    from funnel
    left join pca_opportunities
        on
            funnel.practice_code = pca_opportunities.practice_code
            and funnel.indicator_code = pca_opportunities.indicator_code
    where funnel.outlier_998 != 'within' or funnel.outlier_95 != 'within'

)

select * from final
order by pcn_code asc, outlier_998 asc, pca_rate desc
