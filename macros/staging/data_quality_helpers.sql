{#- A data-quality threshold from the qof_dq_thresholds seed, as a scalar subquery, so that
    no threshold is written into SQL. `check_code` 'all' holds the general parameters. -#}
{% macro dq_threshold(check_code, parameter_name) -%}
    (
        select thresholds.parameter_value
        from {{ ref('qof_dq_thresholds') }} as thresholds
        where
            thresholds.check_code = '{{ check_code }}'
            and thresholds.parameter_name = '{{ parameter_name }}'
    )
{%- endmacro %}

{#- The plausible range of each coded measurement, per code: a code in several measurement
    clusters must lie in every cluster's range (qof_value_plausibility joined through the
    cluster seed, so a range applies as soon as its cluster has codes). -#}
{% macro code_plausible_ranges(code_system) %}
    select
        cluster_codes.code,
        max(plausibility.min_value) as min_value,
        min(plausibility.max_value) as max_value
    from {{ ref('qof_value_plausibility') }} as plausibility
    inner join {{ ref('stg_reference__cluster_codes') }} as cluster_codes
        on plausibility.cluster_code = cluster_codes.cluster_code
    where cluster_codes.code_system = '{{ code_system }}'
    group by cluster_codes.code
{% endmacro %}

{#- Per patient, the staged registrations' span: whether one is still open and the last end
    date. An entry after the last end date of a patient with no open registration was made
    after they left every practice. -#}
{% macro registration_spans() %}
    select
        patient_id,
        bool_or(end_date is null) as has_open_registration,
        max(end_date) as last_end_date
    from {{ ref('base_gp_extract__registrations') }}
    where quarantine_reason is null
    group by patient_id
{% endmacro %}
