-- One row per patient and indicator of the `qof_year` registry at the achievement date: the
-- patient-level result every practice, PCN and ICB figure is summed from.

with

registry as (

    select * from {{ ref('qof_indicators') }}
    where qof_year = '{{ var("qof_year") }}'

),

cascades as (

    select * from {{ ref('int_indicator_cascades') }}

),

registers as (

    select * from {{ ref('int_registers') }}

),

cascade_rows as (

    select
        cascades.patient_id,
        cascades.practice_code,
        cascades.indicator_code,
        registry.register_code is null or registers.patient_id is not null as on_register,
        cascades.cascade_outcome in ('numerator', 'denominator') as in_denominator,
        cascades.cascade_outcome = 'numerator' as in_numerator,
        case when cascades.cascade_outcome = 'pca' then cascades.cascade_reason end as pca_reason,
        case when cascades.cascade_outcome = 'excluded' then cascades.cascade_reason end as exclusion_reason
    from cascades
    inner join registry
        on cascades.indicator_code = registry.indicator_code
    left join registers
        on
            cascades.patient_id = registers.patient_id
            and registry.register_code = registers.register_code

),

register_indicator_rows as (

    select
        registers.patient_id,
        registers.practice_code,
        registry.indicator_code,
        true as on_register,
        false as in_denominator,
        false as in_numerator,
        cast(null as varchar) as pca_reason,
        cast(null as varchar) as exclusion_reason
    from registers
    inner join registry
        on
            registers.register_code = registry.register_code
            and registry.is_register_indicator

),

unioned as (

    select * from cascade_rows
    union all
    select * from register_indicator_rows

),

final as (

    select
        patient_id,
        practice_code,
        indicator_code,
        {{ achievement_date() }} as achievement_date,
        on_register,
        in_denominator,
        in_numerator,
        pca_reason,
        exclusion_reason
    from unioned

)

select * from final
