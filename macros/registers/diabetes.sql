{#- DM register (DM017): aged 17+ (qof_registers seed), latest diabetes code not followed by
    a diabetes resolved code (qof_rules.md 4.2). -#}
{% macro register__diabetes() %}
    {{ qof_register('DM', diagnosis_clusters=['DM_COD'], resolved_clusters=['DMRES_COD']) }}
{% endmacro %}
