{#- DEM register (DEM001): any dementia code, no resolved code, all ages
    (docs/rules/dementia.md, register DEM001). -#}
{% macro register__dementia() %}
    {{ qof_register('DEM', diagnosis_clusters=['DEM_COD']) }}
{% endmacro %}
