{% macro clean_identifier(column_name) -%}
    nullif(trim(cast({{ column_name }} as varchar)), '')
{%- endmacro %}

{% macro clean_ods_code(column_name) -%}
    nullif(upper(trim(cast({{ column_name }} as varchar))), '')
{%- endmacro %}

{% macro parse_extract_date(column_name) -%}
    try_strptime(trim(cast({{ column_name }} as varchar)), '%Y-%m-%d')::date
{%- endmacro %}

{% macro is_unparseable_date(column_name) -%}
    (
        nullif(trim(cast({{ column_name }} as varchar)), '') is not null
        and {{ parse_extract_date(column_name) }} is null
    )
{%- endmacro %}

{% macro is_placeholder_date(date_expression) -%}
    ({{ date_expression }} <= date '1900-01-01')
{%- endmacro %}

{% macro is_bad_concept_code(raw_column) -%}
    (not regexp_full_match(cast({{ raw_column }} as varchar), '[0-9]{6,18}'))
{%- endmacro %}

{% macro has_whitespace(raw_column) -%}
    regexp_matches(cast({{ raw_column }} as varchar), '\s')
{%- endmacro %}

{#- The date after which a clinical date is in the future: the `extract_date` var, else today. -#}
{% macro extract_date() -%}
    {%- if var('extract_date', none) -%}date '{{ var("extract_date") }}'{%- else -%}current_date{%- endif -%}
{%- endmacro %}

{#- The achievement date (ACHV_DAT): data are taken up to this date, and the population, age
    and registration are measured on it. The `achievement_date` var (a month end in year, or
    PPED at year end); without it, the payment period end date of the `qof_year` var
    (docs/assumptions.md A2a). -#}
{% macro achievement_date() -%}
    date '{{ achievement_date_text() }}'
{%- endmacro %}

{% macro achievement_date_text() -%}
    {%- set given = var('achievement_date', none) -%}
    {%- if given -%}
        {%- set text = given | string -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
            {{ exceptions.raise_compiler_error("var achievement_date must be a date as YYYY-MM-DD, not '" ~ text ~ "'") }}
        {%- endif -%}
        {{- text -}}
    {%- else -%}
        {%- set qof_year = var('qof_year') | string -%}
        {{- (qof_year[:4] | int) + 1 -}}-03-31
    {%- endif -%}
{%- endmacro %}

{#- The payment period end date (PPED): 31 March at the end of the QOF year (1 April to
    31 March) that holds the achievement date. Every "in the preceding N months" window is
    measured back from it (docs/assumptions.md A2, A2a). -#}
{% macro payment_period_end_date() -%}
    {%- set achievement = achievement_date_text() -%}
    {%- set year = achievement[:4] | int -%}
    {%- set month = achievement[5:7] | int -%}
    date '{{ year + 1 if month >= 4 else year }}-03-31'
{%- endmacro %}

{#- True when the optional extract table has at least one file (evaluated at run time). -#}
{% macro extract_table_exists(table_name) %}
    {%- if not execute -%}{{ return(true) }}{%- endif -%}
    {%- set ext = var('extract_format', env_var('QOF_EXTRACT_FORMAT', 'csv')) -%}
    {%- set dir = var('extract_dir', env_var('QOF_EXTRACT_DIR', 'data/synthetic')) -%}
    {%- if var('extract_layout', env_var('QOF_EXTRACT_LAYOUT', 'files')) == 'folders' -%}
        {%- set pattern = dir ~ '/' ~ table_name ~ '/*.' ~ ext -%}
    {%- else -%}
        {%- set pattern = dir ~ '/' ~ table_name ~ '*.' ~ ext -%}
    {%- endif -%}
    {%- set result = run_query("select count(*) from glob('" ~ pattern ~ "')") -%}
    {{ return(result.columns[0].values()[0] > 0) }}
{% endmacro %}

{#- A raw extract row as JSON text for the quarantine, without the reader's filename column
    (kept separately as source_file). -#}
{% macro raw_record_json(relation) -%}
    json_merge_patch(to_json({{ relation }}), '{"filename": null}')
{%- endmacro %}

{#- The extract file a row was read from. When the extract was read through UTF-8 copies of
    its files (`qof --encoding`), the `extract_source_dir` var names the directory they were
    copied from, and the copy's path is given as the original's. -#}
{% macro extract_source_file(filename_column) -%}
    {%- set source_dir = var('extract_source_dir', none) -%}
    {%- if source_dir -%}
        {%- set copy_dir = var('extract_dir') -%}
        case
            when starts_with(cast({{ filename_column }} as varchar), '{{ copy_dir | replace("'", "''") }}')
                then '{{ source_dir | replace("'", "''") }}'
                || substr(cast({{ filename_column }} as varchar), {{ copy_dir | length + 1 }})
            else cast({{ filename_column }} as varchar)
        end
    {%- else -%}
        cast({{ filename_column }} as varchar)
    {%- endif -%}
{%- endmacro %}
