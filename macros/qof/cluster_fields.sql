{#- Pivot helpers over int_patient_cluster_summary (aggregate per patient). -#}

{% macro _cluster_list(clusters) -%}
    {%- if clusters is string %}{% set clusters = [clusters] %}{% endif -%}
    ({{ "'" ~ clusters | join("', '") ~ "'" }})
{%- endmacro %}

{#- Latest date coded in any of `clusters`. -#}
{% macro cluster_latest_date(clusters) -%}
    max(cluster_summary.latest_date) filter (where cluster_summary.cluster_code in {{ _cluster_list(clusters) }})
{%- endmacro %}

{#- Earliest date coded in any of `clusters`. -#}
{% macro cluster_first_date(clusters) -%}
    min(cluster_summary.first_date) filter (where cluster_summary.cluster_code in {{ _cluster_list(clusters) }})
{%- endmacro %}

{#- Date of the latest value recorded in `cluster`. -#}
{% macro cluster_latest_value_date(cluster) -%}
    max(cluster_summary.latest_value_date) filter (where cluster_summary.cluster_code = '{{ cluster }}')
{%- endmacro %}

{#- Latest value recorded in `cluster` (lowest value when several share the latest date). -#}
{% macro cluster_latest_value(cluster) -%}
    max(cluster_summary.latest_value) filter (where cluster_summary.cluster_code = '{{ cluster }}')
{%- endmacro %}

{#- Sorted distinct dates of `clusters` in the 24 months up to the achievement date. -#}
{% macro cluster_recent_dates(clusters) -%}
    coalesce(
        list_sort(list_distinct(flatten(
            list(cluster_summary.dates_last_24_months)
                filter (where cluster_summary.cluster_code in {{ _cluster_list(clusters) }})
        ))),
        []
    )
{%- endmacro %}

{#- The cluster (of `clusters`) coded most recently. -#}
{% macro cluster_latest_of(clusters) -%}
    arg_max(cluster_summary.cluster_code, struct_pack(d := cluster_summary.latest_date, c := cluster_summary.cluster_code))
        filter (where cluster_summary.cluster_code in {{ _cluster_list(clusters) }})
{%- endmacro %}
