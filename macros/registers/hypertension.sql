{#- HYP register (HYP001): latest hypertension code not followed by a hypertension resolved
    code, no age limit (docs/rules/hypertension.md, register HYP001). The diagnosis date
    (HYP_DAT) is the earliest hypertension code ever, ignoring any resolved code
    (docs/assumptions.md A6): it drives DIAG1_DT9M. -#}
{% macro register__hypertension() %}
    {{ qof_register(
        'HYP',
        diagnosis_clusters=['HYP_COD'],
        resolved_clusters=['HYPRES_COD'],
        diagnosis_date_reading='earliest'
    ) }}
{% endmacro %}
