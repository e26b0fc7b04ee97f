{#- Roll practice screening coverage up to a network level (`pcn` or `icb`): eligible, excluded,
    screened and PCA counts are summed over member practices; coverage and the gap to the
    standard in patients are recomputed from the sums, never averaged or summed (a network's
    gap is not the sum of its practices' gaps). Practices outside any PCN roll up to
    `UNALIGNED` (docs/assumptions.md A13). -#}
{% macro screening_uptake_rollup(level) %}

    with

    practices as (

        select * from {{ ref('stg_gp_extract__practices') }}

    ),

    uptake as (

        select * from {{ ref('fct_practice_screening_uptake') }}

    ),

    practice_rows as (

        select
            coalesce(practices.{{ level }}_code, 'UNALIGNED') as {{ level }}_code,
            practices.{{ level }}_name,
            {% if level == 'pcn' -%}
                practices.icb_code,
            {%- endif %}
            uptake.* exclude (pcn_code, icb_code)
        from uptake
        inner join practices
            on uptake.practice_code = practices.practice_code

    ),

    summed as (

        select
            {{ level }}_code,
            any_value({{ level }}_name) as {{ level }}_name,
            {% if level == 'pcn' -%}
                any_value(icb_code) as icb_code,
            {%- endif %}
            programme,
            age_band,
            any_value(min_age) as min_age,
            any_value(max_age) as max_age,
            any_value(lookback_months) as lookback_months,
            any_value(achievement_date) as achievement_date,
            count(*) as practice_count,
            sum(eligible) as eligible,
            sum(excluded) as excluded,
            sum(screened) as screened,
            sum(pca_count) as pca_count,
            any_value(national_standard_pct) as national_standard_pct,
            any_value(achievable_standard_pct) as achievable_standard_pct,
            count(*) filter (where meets_standard) as practices_meeting_standard
        from practice_rows
        group by {{ level }}_code, programme, age_band

    ),

    final as (

        select
            cast({{ level }}_code as varchar) as {{ level }}_code,
            cast({{ level }}_name as varchar) as {{ level }}_name,
            {% if level == 'pcn' -%}
                cast(icb_code as varchar) as icb_code,
            {%- endif %}
            cast(programme as varchar) as programme,
            cast(age_band as varchar) as age_band,
            cast(min_age as integer) as min_age,
            cast(max_age as integer) as max_age,
            cast(lookback_months as integer) as lookback_months,
            achievement_date,
            cast(practice_count as bigint) as practice_count,
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
            cast(practices_meeting_standard as bigint) as practices_meeting_standard
        from summed

    )

    select * from final

{% endmacro %}
