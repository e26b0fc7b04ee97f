{#- AF register (AF001): latest atrial fibrillation code not followed by an AF resolved code,
    no age limit (docs/rules/atrial_fibrillation.md, register AF001). -#}
{% macro register__atrial_fibrillation() %}
    {{ qof_register('AF', diagnosis_clusters=['AFIB_COD'], resolved_clusters=['AFIBRES_COD']) }}
{% endmacro %}
