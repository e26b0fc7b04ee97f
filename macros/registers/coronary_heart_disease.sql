{#- CHD register (CHD001): any coronary heart disease code, no resolved code and no age limit
    (qof_rules.md 4.2). -#}
{% macro register__coronary_heart_disease() %}
    {{ qof_register('CHD', diagnosis_clusters=['CHD_COD']) }}
{% endmacro %}
