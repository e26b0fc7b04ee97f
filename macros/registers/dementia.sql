{#- DEM register (DEM001): any dementia code, no resolved code, all ages (qof_rules.md 4.2). -#}
{% macro register__dementia() %}
    {{ qof_register('DEM', diagnosis_clusters=['DEM_COD']) }}
{% endmacro %}
