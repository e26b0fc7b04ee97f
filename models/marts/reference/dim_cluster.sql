-- One row per QOF cluster the warehouse knows (a rule reads it, or a list fills it): where its
-- codes come from, in which version, how many codes it holds, which indicators read it and how
-- many rows of the extract it matched. A cluster a rule reads with no codes starves those
-- indicators; `qof build` names every such cluster (docs/clusters.md).

with

cluster_codes as (

    select * from {{ ref('stg_reference__cluster_codes') }}

),

published_codelists as (

    select * from {{ ref('qof_published_codelists') }}

),

cluster_readers as (

    select * from {{ ref('qof_cluster_readers') }}

),

clustered_events as (

    select * from {{ ref('int_clustered_events') }}

),

codes_by_cluster as (

    select
        cluster_code,
        count(*) as code_count,
        string_agg(distinct code_system, '; ' order by code_system) as code_system,
        string_agg(distinct code_source, '; ' order by code_source) as code_source,
        string_agg(distinct code_version, '; ' order by code_version) as code_version,
        bool_or(code_source like 'refset_dir:%') as is_from_refset_dir,
        bool_or(code_source like 'curated%') as has_curated_codes
    from cluster_codes
    group by cluster_code

),

readers_by_cluster as (

    select
        cluster_code,
        count(distinct indicator_code) as reading_indicator_count,
        string_agg(distinct indicator_code, ', ' order by indicator_code) as reading_indicators
    from cluster_readers
    group by cluster_code

),

matches_by_cluster as (

    select
        cluster_code,
        count(*) as extract_rows_matched,
        count(distinct patient_id) as patients_matched
    from clustered_events
    group by cluster_code

),

all_clusters as (

    select cluster_code from codes_by_cluster
    union
    select cluster_code from readers_by_cluster
    union
    select cluster_code from published_codelists

),

final as (

    select
        all_clusters.cluster_code,
        case
            when codes_by_cluster.is_from_refset_dir then 'refset_dir'
            when published_codelists.cluster_code is not null then 'published'
            when codes_by_cluster.has_curated_codes then 'curated'
            else 'empty'
        end as coverage_status,
        coalesce(codes_by_cluster.code_system, published_codelists.code_system) as code_system,
        codes_by_cluster.code_source,
        codes_by_cluster.code_version,
        published_codelists.file_name as published_file_name,
        published_codelists.description as published_description,
        published_codelists.source_repo as published_source_repo,
        published_codelists.source_commit as published_source_commit,
        published_codelists.is_cluster_name_verified,
        coalesce(codes_by_cluster.code_count, 0) as code_count,
        coalesce(readers_by_cluster.reading_indicator_count, 0) as reading_indicator_count,
        readers_by_cluster.reading_indicators,
        coalesce(matches_by_cluster.extract_rows_matched, 0) as extract_rows_matched,
        coalesce(matches_by_cluster.patients_matched, 0) as patients_matched,
        readers_by_cluster.cluster_code is not null as is_read_by_rules,
        readers_by_cluster.cluster_code is not null and codes_by_cluster.cluster_code is null
            as is_starving_indicators
    from all_clusters
    left join codes_by_cluster
        on all_clusters.cluster_code = codes_by_cluster.cluster_code
    left join published_codelists
        on all_clusters.cluster_code = published_codelists.cluster_code
    left join readers_by_cluster
        on all_clusters.cluster_code = readers_by_cluster.cluster_code
    left join matches_by_cluster
        on all_clusters.cluster_code = matches_by_cluster.cluster_code

)

select * from final
