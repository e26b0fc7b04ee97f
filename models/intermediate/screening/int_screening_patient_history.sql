-- One row per patient and screening programme with the patient's screening record as sorted
-- lists of dates per role, so coverage can be measured at any reference date.

{%- set roles = [
    'test', 'non_adequate', 'invitation', 'unsuitable', 'decline', 'no_response_pca', 'possible_exclusion',
] %}

with

screening_events as (

    select * from {{ ref('int_screening_events') }}

),

final as (

    select
        patient_id,
        programme,
        {%- for role in roles %}
            coalesce(
                list_sort(list_distinct(list(event_date) filter (where role = '{{ role }}'))),
                []
            ) as {{ role }}_dates,
        {%- endfor %}
        min(reason_code) filter (where role = 'unsuitable') as unsuitable_reason,
        min(reason_code) filter (where role = 'decline') as decline_reason,
        min(reason_code) filter (where role = 'no_response_pca') as no_response_reason,
        min(event_date) filter (where role = 'exclusion') as exclusion_date
    from screening_events
    group by patient_id, programme

)

select * from final
