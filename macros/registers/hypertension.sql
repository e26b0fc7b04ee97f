{#- HYP register (HYP001): latest hypertension code not followed by a hypertension resolved
    code, no age limit (qof_rules.md 4.2). -#}
{% macro register__hypertension() %}
    {{ qof_register('HYP', diagnosis_clusters=['HYP_COD'], resolved_clusters=['HYPRES_COD']) }}
{% endmacro %}
