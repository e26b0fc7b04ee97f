{#- HF register (HF001): latest heart failure code not followed by a heart failure resolved
    code, no age limit (qof_rules.md 4.2). -#}
{% macro register__heart_failure() %}
    {{ qof_register('HF', diagnosis_clusters=['HF_COD'], resolved_clusters=['HFRES_COD']) }}
{% endmacro %}
