-- One row per extract table and quarantine reason: rows quarantined, how many reached a
-- practice's alert and how many could not be attributed to any practice.

with

quarantined_rows as (

    select * from {{ ref('dq_quarantined_rows') }}

),

checks as (

    select * from {{ ref('qof_dq_checks') }}

),

final as (

    select
        quarantined_rows.table_name,
        quarantined_rows.quarantine_reason,
        min(checks.severity) as severity,
        min(checks.title) as title,
        count(*) as rows_quarantined,
        count(quarantined_rows.attributed_practice_code) as rows_attributed,
        count(*) - count(quarantined_rows.attributed_practice_code) as rows_unattributed,
        count(distinct quarantined_rows.attributed_practice_code) as practices_affected
    from quarantined_rows
    left join checks
        on quarantined_rows.quarantine_reason = checks.check_code
    group by quarantined_rows.table_name, quarantined_rows.quarantine_reason

)

select * from final
