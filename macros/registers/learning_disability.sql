{#- LD register (LD004): any learning disability code, all ages
    (docs/rules/learning_disability.md, register LD004). -#}
{% macro register__learning_disability() %}
    {{ qof_register('LD', diagnosis_clusters=['LD_COD']) }}
{% endmacro %}
