-- Every clean coded event in a screening cluster, up to and including the achievement date,
-- labelled with its programme and role (macros/screening/screening.sql). All patients are
-- kept, not only those registered at the achievement date, so coverage can be measured at
-- earlier month ends.

with

roles as (

    {{ screening_cluster_roles_relation() }}

),

cluster_codes as (

    select
        cluster_code,
        code
    from {{ ref('stg_reference__cluster_codes') }}
    where code_system = 'snomed'

),

events as (

    select
        patient_id,
        event_date,
        snomed_code
    from {{ ref('stg_gp_extract__events') }}
    where event_date <= {{ achievement_date() }}

),

final as (

    select distinct
        events.patient_id,
        roles.programme,
        roles.role,
        roles.cluster_code,
        roles.reason_code,
        events.event_date
    from events
    inner join cluster_codes
        on events.snomed_code = cluster_codes.code
    inner join roles
        on cluster_codes.cluster_code = roles.cluster_code

)

select * from final
