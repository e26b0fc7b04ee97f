{#- PAD register (PAD001): any peripheral arterial disease code, no resolved code and no age
    limit (docs/rules/peripheral_arterial_disease.md, register PAD001). -#}
{% macro register__peripheral_arterial_disease() %}
    {{ qof_register('PAD', diagnosis_clusters=['PAD_COD']) }}
{% endmacro %}
