{#- LD register (LD004): any learning disability code, all ages (qof_rules.md 4.2). -#}
{% macro register__learning_disability() %}
    {{ qof_register('LD', diagnosis_clusters=['LD_COD']) }}
{% endmacro %}
