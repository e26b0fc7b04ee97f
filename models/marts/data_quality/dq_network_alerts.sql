-- One row per PCN or ICB, check and subject: how many member practices have the alert and
-- how many records or patients it affects across them. Counts only, no patient identifiers.

{%- set levels = ['pcn', 'icb'] %}

with

practice_alerts as (

    select * from {{ ref('dq_practice_alerts') }}

),

{% for level in levels %}
    {{ level }}_alerts as (

        select
            '{{ level }}' as network_level,
            coalesce({{ level }}_code, 'UNALIGNED') as network_code,
            min({{ level }}_name) as network_name,
            check_code,
            check_subject,
            min(check_category) as check_category,
            min(severity) as severity,
            min(severity_rank) as severity_rank,
            min(title) as title,
            count(distinct practice_code) as practices_affected,
            cast(sum(affected_count) as bigint) as affected_count
        from practice_alerts
        group by coalesce({{ level }}_code, 'UNALIGNED'), check_code, check_subject

    ),
{% endfor %}

final as (

    {% for level in levels %}
        select * from {{ level }}_alerts
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
