-- Every disease register in one long table: one row per patient and register they are on.
-- Registers are discovered from the `register__*` macros; each has its own model
-- int_registers__<name>.

{%- set registers = discover_macros('register__') %}

with

{% for name in registers %}
    register_{{ name }} as (

        select * from {{ ref('int_registers__' ~ name) }}

    ),
{% endfor %}

unioned as (

    {% for name in registers %}
        select * from register_{{ name }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from unioned
