-- The one code -> cluster join: every coded event and medication issue of the population,
-- up to and including the achievement date, labelled with each QOF cluster its code is in.

with

population as (

    select patient_id from {{ ref('int_population') }}

),

cluster_codes as (

    select * from {{ ref('stg_reference__cluster_codes') }}

),

events as (

    select
        patient_id,
        event_date,
        snomed_code as code,
        'snomed' as code_system,
        value
    from {{ ref('stg_gp_extract__events') }}
    where event_date <= {{ achievement_date() }}

),

medications as (

    select
        patient_id,
        issue_date as event_date,
        dmd_code as code,
        'dmd' as code_system,
        quantity as value
    from {{ ref('stg_gp_extract__medications') }}
    where issue_date <= {{ achievement_date() }}

),

coded as (

    select * from events
    union all
    select * from medications

),

final as (

    select
        coded.patient_id,
        cluster_codes.cluster_code,
        coded.event_date,
        coded.code,
        coded.code_system,
        coded.value
    from coded
    inner join population
        on coded.patient_id = population.patient_id
    inner join cluster_codes
        on
            coded.code = cluster_codes.code
            and coded.code_system = cluster_codes.code_system

)

select * from final
