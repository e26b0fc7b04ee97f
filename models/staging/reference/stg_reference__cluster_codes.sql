-- One row per cluster and code: the QOF cluster codelists every clinical rule joins through.
-- The project's curated clusters, plus NHS Digital refset files when `cluster_refset_dir` is set.

with

project_clusters as (

    select
        upper(trim(cluster_code)) as cluster_code,
        trim(code) as code,
        lower(trim(code_system)) as code_system,
        trim(term) as term,
        trim(code_source) as code_source
    from {{ source('reference', 'cluster_codes') }}

),

refset_clusters as (

    {% if var('cluster_refset_dir', none) -%}
        select
            upper(regexp_extract(filename, '([a-z0-9]+_cod)\.csv$', 1)) as cluster_code,
            trim(code) as code,
            'snomed' as code_system,
            trim(term) as term,
            'nhsd_refset:' || regexp_extract(filename, '[^/]+$') as code_source
        from {{ source('reference', 'nhsd_refsets') }}
    {%- else -%}
        select * from project_clusters
        where false
    {%- endif %}

),

unioned as (

    select * from project_clusters
    union all
    select * from refset_clusters

),

final as (

    select
        cluster_code,
        code,
        code_system,
        min(term) as term,
        string_agg(distinct code_source, '; ' order by code_source) as code_source
    from unioned
    where cluster_code is not null and code is not null and cluster_code != ''
    group by cluster_code, code, code_system

)

select * from final
