-- The outcome of every indicator cascade for every patient in its population: one row per
-- patient and indicator, with the deciding rule. Cascades are discovered from the
-- `indicator__*` macros (macros/indicators/), so adding an indicator never means editing a
-- list here.

{%- set indicators = selected_indicator_macros() %}

with

{% for name in indicators %}
    cascade_{{ name }} as (

        {{ context['indicator__' ~ name]() }}

    ),
{% endfor %}

unioned as (

    {% for name in indicators %}
        select
            patient_id,
            practice_code,
            indicator_code,
            cascade_outcome,
            cascade_reason
        from cascade_{{ name }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from unioned
