{#- RA register (RA001): aged 16 or over (qof_registers seed) with a rheumatoid arthritis code
    (docs/rules/rheumatoid_arthritis.md, register RA001). -#}
{% macro register__rheumatoid_arthritis() %}
    {{ qof_register('RA', diagnosis_clusters=['RARTH_COD']) }}
{% endmacro %}
