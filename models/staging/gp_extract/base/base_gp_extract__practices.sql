-- Every raw practice row, typed, with the reason it cannot be staged (null when it can).

with

source as (

    select * from {{ source('gp_extract', 'practices') }}

),

typed as (

    select
        {{ extract_source_file('filename') }} as source_file,
        {{ clean_ods_code('practice_code') }} as practice_code,
        {{ clean_identifier('practice_name') }} as practice_name,
        {{ clean_ods_code('pcn_code') }} as pcn_code,
        {{ clean_identifier('pcn_name') }} as pcn_name,
        {{ clean_ods_code('icb_code') }} as icb_code,
        {{ clean_identifier('icb_name') }} as icb_name,
        {{ raw_record_json('source') }} as raw_record
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by practice_code
            order by practice_name, pcn_code, icb_code, raw_record
        ) as practice_code_rank
    from typed

),

checked as (

    select
        *,
        case
            when practice_code is null then 'blank_identifier'
            when not regexp_full_match(practice_code, '[A-Z0-9]{3,10}') then 'invalid_practice_code'
            when practice_code_rank > 1 then 'duplicate_practice'
        end as quarantine_reason
    from ranked

)

select * from checked
