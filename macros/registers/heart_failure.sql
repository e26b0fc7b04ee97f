{#- HF register (HF001): latest heart failure code not followed by a heart failure resolved
    code, no age limit (docs/rules/heart_failure.md, register HF001). -#}
{% macro register__heart_failure() %}
    {{ qof_register('HF', diagnosis_clusters=['HF_COD'], resolved_clusters=['HFRES_COD']) }}
{% endmacro %}
