-- PCN and ICB screening coverage: eligible, excluded, screened and PCA counts equal the sums
-- over member practices, and coverage and the gap to the standard are recomputed from those
-- sums (not averaged or summed).

with

practices as (

    select * from {{ ref('stg_gp_extract__practices') }}

),

practice_rows as (

    select
        coalesce(practices.pcn_code, 'UNALIGNED') as pcn_code,
        practices.icb_code,
        uptake.programme,
        uptake.age_band,
        uptake.eligible,
        uptake.excluded,
        uptake.screened,
        uptake.pca_count,
        uptake.national_standard_pct
    from {{ ref('fct_practice_screening_uptake') }} as uptake
    inner join practices
        on uptake.practice_code = practices.practice_code

),

expected as (

    select
        'pcn' as level,
        pcn_code as network_code,
        programme,
        age_band,
        sum(eligible) as eligible,
        sum(excluded) as excluded,
        sum(screened) as screened,
        sum(pca_count) as pca_count,
        any_value(national_standard_pct) as national_standard_pct
    from practice_rows
    group by pcn_code, programme, age_band

    union all

    select
        'icb' as level,
        icb_code as network_code,
        programme,
        age_band,
        sum(eligible) as eligible,
        sum(excluded) as excluded,
        sum(screened) as screened,
        sum(pca_count) as pca_count,
        any_value(national_standard_pct) as national_standard_pct
    from practice_rows
    group by icb_code, programme, age_band

),

networks as (

    select
        'pcn' as level,
        pcn_code as network_code,
        programme,
        age_band,
        eligible,
        excluded,
        screened,
        pca_count,
        coverage,
        gap_to_standard
    from {{ ref('fct_pcn_screening_uptake') }}

    union all

    select
        'icb' as level,
        icb_code as network_code,
        programme,
        age_band,
        eligible,
        excluded,
        screened,
        pca_count,
        coverage,
        gap_to_standard
    from {{ ref('fct_icb_screening_uptake') }}

)

select
    coalesce(networks.level, expected.level) as level,
    coalesce(networks.network_code, expected.network_code) as network_code,
    coalesce(networks.programme, expected.programme) as programme,
    coalesce(networks.age_band, expected.age_band) as age_band
from networks
full outer join expected
    on
        networks.level = expected.level
        and networks.network_code = expected.network_code
        and networks.programme = expected.programme
        and networks.age_band = expected.age_band
where
    networks.network_code is null
    or expected.network_code is null
    or networks.eligible != expected.eligible
    or networks.excluded != expected.excluded
    or networks.screened != expected.screened
    or networks.pca_count != expected.pca_count
    or networks.coverage is distinct from {{ coverage_ratio('expected.screened', 'expected.eligible') }}
    or networks.gap_to_standard is distinct from {{
        patients_to_standard('expected.eligible', 'expected.screened', 'expected.national_standard_pct')
    }}
