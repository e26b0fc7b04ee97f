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

{#- Per patient, one lookup row for the row checks of events and medications: the staged
    patient's dates and quarantine reason with their registration span, so every extract row
    is joined to patients once. -#}
{% macro patient_lookup() %}
    select
        patients.patient_id,
        patients.date_of_birth,
        patients.date_of_death,
        patients.quarantine_reason,
        registration_spans.has_open_registration,
        registration_spans.last_end_date
    from {{ ref('base_gp_extract__patients') }} as patients
    left join ({{ registration_spans() }}) as registration_spans
        on patients.patient_id = registration_spans.patient_id
    where patients.patient_id_rank = 1
{% endmacro %}

{#- The `implausible_value_policy` var: 'keep_and_alert' (the default) keeps a reading whose
    value fails a plausibility check (implausible_value, systolic_below_diastolic) in the QOF
    calculation, as the business rules select on the value as recorded, and reports it in
    dq_implausible_values and the practice alerts; 'quarantine' sends it to quarantine.
    Anything else stops the run. -#}
{% macro implausible_value_policy() %}
    {%- set policy = var('implausible_value_policy', 'keep_and_alert') -%}
    {%- if policy not in ['keep_and_alert', 'quarantine'] -%}
        {{ exceptions.raise_compiler_error(
            "implausible_value_policy must be 'keep_and_alert' or 'quarantine', not '" ~ policy ~ "'"
        ) }}
    {%- endif -%}
    {{ return(policy) }}
{% endmacro %}

{#- SQL `true` when readings that fail a plausibility check are quarantined, else `false`. -#}
{% macro implausible_values_quarantined() -%}
    {{ 'true' if implausible_value_policy() == 'quarantine' else 'false' }}
{%- endmacro %}

{#- A decimal as short text for messages: 15.0000 -> '15', 7.5000 -> '7.5'. -#}
{% macro number_text(expression) -%}
    rtrim(rtrim(cast({{ expression }} as varchar), '0'), '.')
{%- endmacro %}
