-- Attested achievement rows (optional file), typed, with the reason a row cannot be staged.

{% if extract_table_exists('manual_achievement') %}

    with

    source as (

        select * from {{ source('gp_extract', 'manual_achievement') }}

    ),

    practices as (

        select practice_code
        from {{ ref('base_gp_extract__practices') }}
        where quarantine_reason is null

    ),

    typed as (

        select
            {{ extract_source_file('source.filename') }} as source_file,
            {{ clean_ods_code('source.practice_code') }} as practice_code,
            {{ clean_ods_code('source.indicator_code') }} as indicator_code,
            {{ parse_extract_date('source.achievement_date') }} as achievement_date,
            {{ is_unparseable_date('source.achievement_date') }} as is_date_unparseable,
            lower(trim(cast(source.achieved as varchar))) as achieved_text,
            {{ raw_record_json('source') }} as raw_record
        from source

    ),

    ranked as (

        select
            *,
            case
                when achieved_text in ('true', 't', '1', 'yes', 'y') then true
                when achieved_text in ('false', 'f', '0', 'no', 'n') then false
            end as achieved,
            row_number() over (
                partition by practice_code, indicator_code, achievement_date
                order by achieved_text, raw_record
            ) as key_rank
        from typed

    ),

    checked as (

        select
            ranked.*,
            case
                when ranked.practice_code is null or ranked.indicator_code is null then 'blank_identifier'
                when ranked.is_date_unparseable then 'unparseable_date'
                when ranked.achievement_date is null then 'missing_date'
                when ranked.achieved is null then 'invalid_boolean'
                when practices.practice_code is null then 'unknown_practice'
                when ranked.key_rank > 1 then 'duplicate_manual_achievement'
            end as quarantine_reason
        from ranked
        left join practices
            on ranked.practice_code = practices.practice_code

    )

    select * from checked

{% else %}

    select
        cast(null as varchar) as source_file,
        cast(null as varchar) as practice_code,
        cast(null as varchar) as indicator_code,
        cast(null as date) as achievement_date,
        cast(null as boolean) as is_date_unparseable,
        cast(null as varchar) as achieved_text,
        cast(null as json) as raw_record,
        cast(null as boolean) as achieved,
        cast(null as bigint) as key_rank,
        cast(null as varchar) as quarantine_reason
    where false

{% endif %}
