{#- AST register (AST005): aged 6 or over (qof_registers seed), latest asthma code not followed
    by an asthma resolved code, and an asthma drug (ASTTRT_COD, dm+d) issued in the preceding
    12 months (docs/rules/asthma.md, register AST005). -#}
{% macro register__asthma() %}
    {{ qof_register(
        'AST',
        diagnosis_clusters=['AST_COD'],
        resolved_clusters=['ASTRES_COD'],
        required_within_months={'ASTTRT_COD': 12},
        diagnosis_date_reading='earliest_unresolved'
    ) }}
{% endmacro %}
