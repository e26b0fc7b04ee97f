{#- PAD register (PAD001): any peripheral arterial disease code, no resolved code and no age
    limit (qof_rules.md 4.2). -#}
{% macro register__peripheral_arterial_disease() %}
    {{ qof_register('PAD', diagnosis_clusters=['PAD_COD']) }}
{% endmacro %}
