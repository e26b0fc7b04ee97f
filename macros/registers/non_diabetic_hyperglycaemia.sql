{#- NDH register (NDH002 population; docs/rules/non_diabetic_hyperglycaemia.md, register NDH):
    aged 18 or over (qof_registers seed) with a non-diabetic hyperglycaemia code (NDH_COD,
    impaired glucose tolerance IGT_COD or pre-diabetes PRD_COD) and not on the diabetes register
    (int_registers__diabetes). No NDH resolved cluster exists. -#}
{% macro register__non_diabetic_hyperglycaemia() %}

    with

    hyperglycaemia as (

        {{ qof_register('NDH', diagnosis_clusters=['NDH_COD', 'IGT_COD', 'PRD_COD']) }}

    ),

    diabetes_register as (

        select patient_id from {{ ref('int_registers__diabetes') }}

    ),

    final as (

        select hyperglycaemia.*
        from hyperglycaemia
        left join diabetes_register
            on hyperglycaemia.patient_id = diabetes_register.patient_id
        where diabetes_register.patient_id is null

    )

    select * from final

{% endmacro %}
