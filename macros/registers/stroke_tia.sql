{#- STIA register (STIA001): any stroke or TIA code (haemorrhagic strokes included; STIA007
    rejects patients without a non-haemorrhagic stroke or TIA), no resolved code and no age
    limit (docs/rules/stroke_tia.md, register STIA001). -#}
{% macro register__stroke_tia() %}
    {{ qof_register('STIA', diagnosis_clusters=['STRK_COD', 'TIA_COD']) }}
{% endmacro %}
