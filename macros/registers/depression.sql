{#- DEP register (the DEP004 population): aged 18 or over (qof_registers seed) with a
    depression code on or after 1 April 2006 whose latest code is not followed by a depression
    resolved code (docs/rules/depression.md, register DEP; the 2006 start as NHS Digital's
    depression prevalence). The diagnosis date of the current episode drives DEP004 ("new
    diagnosis"). -#}
{% macro register__depression() %}
    {{ qof_register(
        'DEP',
        diagnosis_clusters=['DEPR_COD'],
        resolved_clusters=['DEPRES_COD'],
        diagnosis_start_date='2006-04-01',
        diagnosis_date_reading='earliest_unresolved'
    ) }}
{% endmacro %}
