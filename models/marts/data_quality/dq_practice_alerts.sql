-- One row per practice, check and subject: what in the practice's own data costs it QOF
-- achievement, how many records or patients it affects and a few example records. Every
-- practice has at least one row: a practice with nothing flagged gets `no_issues_found`.

with

practices as (

    select * from {{ ref('stg_gp_extract__practices') }}

),

checks as (

    select * from {{ ref('qof_dq_checks') }}

),

rule_titles as (

    select
        check_code,
        check_subject,
        min(title) as title
    from {{ ref('qof_dq_coding_rules') }}
    group by check_code, check_subject

),

details as (

    select * from {{ ref('dq_alert_details') }}

),

register_expected as (

    select * from {{ ref('dq_practice_register_expected') }}

),

pca_rates as (

    select * from {{ ref('dq_practice_pca_rates') }}

),

labelled_details as (

    select
        practice_code,
        check_code,
        check_subject,
        record_date,
        coalesce(record_id, '(blank id)')
        || case
            when strpos(coalesce(record_id, ''), patient_id) = 0 then ' (patient ' || patient_id || ')'
            else ''
        end
        || case
            when strpos(coalesce(record_id, ''), strftime(record_date, '%Y-%m-%d')) = 0
                then ' ' || strftime(record_date, '%Y-%m-%d')
            else ''
        end as record_label
    from details

),

ranked_details as (

    select
        *,
        row_number() over (
            partition by practice_code, check_code, check_subject
            order by record_date desc nulls last, record_label asc
        ) as example_rank
    from labelled_details

),

detail_alerts as (

    select
        ranked_details.practice_code,
        ranked_details.check_code,
        ranked_details.check_subject,
        count(*) as affected_count,
        any_value(pca_rates.pca_rate) as observed_value,
        any_value(pca_rates.pcn_pca_rate) as expected_value,
        string_agg(ranked_details.record_label, '; ' order by ranked_details.example_rank) filter (
            where ranked_details.example_rank <= {{ dq_threshold('all', 'example_rows') }}
        ) as example_rows
    from ranked_details
    left join pca_rates
        on
            ranked_details.check_code = 'pca_rate_above_network'
            and ranked_details.practice_code = pca_rates.practice_code
            and ranked_details.check_subject = pca_rates.indicator_code
    group by ranked_details.practice_code, ranked_details.check_code, ranked_details.check_subject

),

under_coding_alerts as (

    select
        practice_code,
        'register_under_coding' as check_code,
        register_code as check_subject,
        cast(round(expected_register - observed_register) as bigint) as affected_count,
        cast(observed_register as double) as observed_value,
        expected_register as expected_value,
        cast(null as varchar) as example_rows
    from register_expected
    where is_far_below_expected

),

alerts as (

    select * from detail_alerts
    union all
    select * from under_coding_alerts

),

no_issue_alerts as (

    select
        practices.practice_code,
        'no_issues_found' as check_code,
        'all' as check_subject,
        cast(0 as bigint) as affected_count,
        cast(null as double) as observed_value,
        cast(null as double) as expected_value,
        cast(null as varchar) as example_rows
    from practices
    anti join alerts
        on practices.practice_code = alerts.practice_code

),

all_alerts as (

    select * from alerts
    union all
    select * from no_issue_alerts

),

final as (

    select
        practices.practice_code,
        practices.practice_name,
        practices.pcn_code,
        practices.pcn_name,
        practices.icb_code,
        practices.icb_name,
        all_alerts.check_code,
        all_alerts.check_subject,
        checks.check_category,
        checks.severity,
        case checks.severity when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end as severity_rank,
        coalesce(rule_titles.title, checks.title) as title,
        all_alerts.affected_count,
        all_alerts.observed_value,
        all_alerts.expected_value,
        all_alerts.example_rows,
        checks.advice
    from all_alerts
    inner join practices
        on all_alerts.practice_code = practices.practice_code
    left join checks
        on all_alerts.check_code = checks.check_code
    left join rule_titles
        on
            all_alerts.check_code = rule_titles.check_code
            and all_alerts.check_subject = rule_titles.check_subject

)

select * from final
