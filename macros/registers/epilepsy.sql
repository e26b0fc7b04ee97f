{#- EP register (EP001): aged 18 or over (qof_registers seed) with unresolved epilepsy and an
    anti-epileptic drug issued in the preceding 6 months (docs/rules/epilepsy.md, register
    EP001; an assumption). -#}
{% macro register__epilepsy() %}
    {{ qof_register(
        'EP',
        diagnosis_clusters=['EPIL_COD'],
        resolved_clusters=['EPILRES_COD'],
        required_within_months={'EPILDRUG_COD': 6}
    ) }}
{% endmacro %}
