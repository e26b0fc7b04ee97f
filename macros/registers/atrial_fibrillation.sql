{#- AF register (AF001): latest atrial fibrillation code not followed by an AF resolved code,
    no age limit (qof_rules.md 4.2). -#}
{% macro register__atrial_fibrillation() %}
    {{ qof_register('AF', diagnosis_clusters=['AFIB_COD'], resolved_clusters=['AFIBRES_COD']) }}
{% endmacro %}
