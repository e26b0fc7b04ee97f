-- One row per extract table: rows read from the raw files, rows staged and rows quarantined.
-- Rows read are counted from the sources themselves, so a row lost between the files and
-- the staging models shows up as unaccounted.

{%- set tables = ['practices', 'patients', 'registrations', 'events', 'medications', 'manual_achievement'] %}

with

{% for table in tables %}
    read_{{ table }} as (

        {% if table != 'manual_achievement' or extract_table_exists(table) -%}
            select count(*) as row_count from {{ source('gp_extract', table) }}
        {%- else -%}
            select cast(0 as bigint) as row_count
        {%- endif %}

    ),

    staged_{{ table }} as (

        select count(*) as row_count from {{ ref('stg_gp_extract__' ~ table) }}

    ),
{% endfor %}

quarantined as (

    select
        table_name,
        count(*) as row_count
    from {{ ref('stg_gp_extract__quarantine') }}
    group by table_name

),

counted as (

    {% for table in tables %}
        select
            '{{ table }}' as table_name,
            {{ loop.index }} as table_order,
            read_{{ table }}.row_count as rows_read,
            staged_{{ table }}.row_count as rows_staged
        from read_{{ table }}
        cross join staged_{{ table }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        counted.table_name,
        counted.table_order,
        cast(counted.rows_read as bigint) as rows_read,
        cast(counted.rows_staged as bigint) as rows_staged,
        cast(coalesce(quarantined.row_count, 0) as bigint) as rows_quarantined,
        cast(counted.rows_read - counted.rows_staged - coalesce(quarantined.row_count, 0) as bigint)
            as rows_unaccounted,
        counted.rows_read = counted.rows_staged + coalesce(quarantined.row_count, 0) as is_balanced
    from counted
    left join quarantined
        on counted.table_name = quarantined.table_name

)

select * from final
