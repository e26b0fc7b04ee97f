{#- PC register (PC001): a palliative care code on or after 1 April 2008 not subsequently
    followed by a "palliative care no longer indicated" code, up to and including the
    achievement date (PCA_REFERENCE PALCARDAT2). A no-longer-indicated code on the day of the
    latest palliative care code follows the resolved_same_day_policy var. The date carried is the
    start of the current palliative care episode (the first code after the latest
    no-longer-indicated code); no PC rule reads a diagnosis date. -#}
{% macro register__palliative_care() %}
    {{ qof_register(
        'PC',
        diagnosis_clusters=['PALCARE_COD'],
        resolved_clusters=['PALCARENI_COD'],
        diagnosis_start_date='2008-04-01',
        diagnosis_date_reading='earliest_unresolved'
    ) }}
{% endmacro %}
