-- One row per cluster, code and code system: the QOF cluster codelists every clinical rule
-- joins through (docs/clusters.md). The published lists shipped in seeds/clusters/published
-- are the default; curated codes fill only clusters with no published list; a newer release
-- in `cluster_refset_dir` replaces the clusters it holds, cluster by cluster, each list taking
-- the code system of the cluster it replaces (dm+d for NHS drug refset files of a new cluster).

with

published_codelists as (

    select * from {{ ref('qof_published_codelists') }}

),

published_files as (

    select
        regexp_extract(filename, '[^/\\]+$') as file_name,
        trim(code) as code,
        trim(term) as term
    from {{ source('reference', 'published_codelists') }}

),

published as (

    select
        published_codelists.cluster_code,
        published_files.code,
        published_codelists.code_system,
        published_files.term,
        published_codelists.source_kind as code_source,
        published_codelists.version as code_version
    from published_files
    inner join published_codelists
        on published_files.file_name = published_codelists.file_name

),

curated as (

    select
        upper(trim(cluster_code)) as cluster_code,
        trim(code) as code,
        lower(trim(code_system)) as code_system,
        trim(term) as term,
        trim(code_source) as code_source,
        'curated' as code_version
    from {{ source('reference', 'cluster_codes') }}

),

defaults as (

    select * from published
    union all
    select * from curated

),

default_code_systems as (

    select
        cluster_code,
        min(code_system) as code_system
    from defaults
    group by cluster_code

),

refset_files as (

    {% if var('cluster_refset_dir', none) -%}
        select
            regexp_extract(filename, '[^/\\]+$') as file_name,
            upper(regexp_extract(filename, '([A-Za-z0-9]+_[Cc][Oo][Dd])\.csv$', 1)) as file_cluster_code,
            trim(code) as code,
            trim(term) as term
        from {{ source('reference', 'nhsd_refsets') }}
    {%- else -%}
        select
            null::varchar as file_name,
            null::varchar as file_cluster_code,
            null::varchar as code,
            null::varchar as term
        where false
    {%- endif %}

),

refset_clusters as (

    select
        coalesce(nullif(refset_files.file_cluster_code, ''), published_codelists.cluster_code) as cluster_code,
        refset_files.code,
        refset_files.term,
        case when refset_files.file_name like 'nhs-drug-refset-%' then 'dmd' end as file_code_system,
        'refset_dir:' || refset_files.file_name as code_source
    from refset_files
    left join published_codelists
        on refset_files.file_name = published_codelists.file_name

),

refset as (

    select
        refset_clusters.cluster_code,
        refset_clusters.code,
        coalesce(
            nullif(refset_clusters.file_code_system, ''),
            default_code_systems.code_system,
            'snomed'
        ) as code_system,
        refset_clusters.term,
        refset_clusters.code_source,
        'cluster_refset_dir' as code_version
    from refset_clusters
    left join default_code_systems
        on refset_clusters.cluster_code = default_code_systems.cluster_code

),

replaced_clusters as (

    select distinct cluster_code from refset

),

unioned as (

    select defaults.*
    from defaults
    left join replaced_clusters
        on defaults.cluster_code = replaced_clusters.cluster_code
    where replaced_clusters.cluster_code is null
    union all
    select * from refset

),

final as (

    select
        cluster_code,
        code,
        code_system,
        min(term) as term,
        string_agg(distinct code_source, '; ' order by code_source) as code_source,
        string_agg(distinct code_version, '; ' order by code_version) as code_version
    from unioned
    where
        cluster_code is not null
        and cluster_code != ''
        and code is not null
        and code != ''
    group by cluster_code, code, code_system

)

select * from final
