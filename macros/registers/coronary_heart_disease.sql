{#- CHD register (CHD001): any coronary heart disease code, no resolved code and no age limit
    (docs/rules/coronary_heart_disease.md, register CHD001). -#}
{% macro register__coronary_heart_disease() %}
    {{ qof_register('CHD', diagnosis_clusters=['CHD_COD']) }}
{% endmacro %}
