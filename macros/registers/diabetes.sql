{#- DM register (DM017): aged 17+ (qof_registers seed), latest diabetes code not followed by
    a diabetes resolved code (docs/rules/diabetes.md, register DM017). The diagnosis date
    (DM_DAT) is the earliest diabetes code ever, ignoring any resolved code (docs/assumptions.md
    A6): it drives DIAG1_DAT, DIAG1_DT9M and DM014. -#}
{% macro register__diabetes() %}
    {{ qof_register(
        'DM',
        diagnosis_clusters=['DM_COD'],
        resolved_clusters=['DMRES_COD'],
        diagnosis_date_reading='earliest'
    ) }}
{% endmacro %}
