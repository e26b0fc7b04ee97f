{#- CKD register (CKD005): aged 18 or over (qof_registers seed) whose latest CKD code is stage
    3-5 (CKD_COD), not superseded by a later stage 1-2 code (CKD1AND2_COD) or CKD resolved code
    (CKDRES_COD) (docs/rules/chronic_kidney_disease.md, register CKD005). Both superseding
    clusters act as the resolved codes of qof_register, so a stage 1-2 or resolved code on the
    day of the latest stage 3-5 code follows the resolved_same_day_policy var; the diagnosis
    date is the earliest stage 3-5 code ever (qof_register's default reading). -#}
{% macro register__chronic_kidney_disease() %}
    {{ qof_register('CKD', diagnosis_clusters=['CKD_COD'], resolved_clusters=['CKD1AND2_COD', 'CKDRES_COD']) }}
{% endmacro %}
