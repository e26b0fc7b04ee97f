{#- True when the latest BP meets the indicator's targets (qof_indicator_targets seed): clinic
    readings against systolic_max/diastolic_max, home or ambulatory readings against
    home_systolic_max/home_diastolic_max; when a clinic and a home reading share the latest date,
    either meeting its own target is enough (docs/assumptions.md DA9). Null when there is no
    reading. -#}
{% macro bp_meets_target(indicator_code) -%}
    (
        case
            when latest_bp_date is null then null
            when is_latest_bp_home_reading
                then
                    latest_bp_systolic <= {{ indicator_target(indicator_code, 'home_systolic_max') }}
                    and latest_bp_diastolic <= {{ indicator_target(indicator_code, 'home_diastolic_max') }}
            else
                (
                    latest_bp_systolic <= {{ indicator_target(indicator_code, 'systolic_max') }}
                    and latest_bp_diastolic <= {{ indicator_target(indicator_code, 'diastolic_max') }}
                )
                or coalesce(
                    same_day_home_bp_systolic <= {{ indicator_target(indicator_code, 'home_systolic_max') }}
                    and same_day_home_bp_diastolic <= {{ indicator_target(indicator_code, 'home_diastolic_max') }},
                    false
                )
        end
    )
{%- endmacro %}

{#- BPORHBPDEC: BP or home BP declined in the 12 months (bp_declined_date, the latest of
    BPDEC_COD and HOMEBPDEC_COD), and from 2024/25 (business rules v49) ambulatory BP declined
    (abpm_declined_date, ABPMDEC_COD) where the indicator's `abpm_declined_counts` target is 1
    for the `qof_year` (docs/assumptions.md DA6). -#}
{% macro bp_declined_rule(indicator_code) -%}
    (
        coalesce({{ within_months('bp_declined_date', 12) }}, false)
        or (
            coalesce({{ indicator_target(indicator_code, 'abpm_declined_counts') }}, 0) = 1
            and coalesce({{ within_months('abpm_declined_date', 12) }}, false)
        )
    )
{%- endmacro %}

{#- The BP target rule cascade shared by DM033/DM036, HYP008/009, CHD015/016 and STIA014/015,
    in the order of the DM033 rules (docs/assumptions.md DA8): the population rule, the
    numerator (latest BP in the preceding 12 months at target), then HTMAX, the area's
    unsuitable PCA, BPORHBPDEC, the area's informed dissent, the invitation PCA, newly
    diagnosed and newly registered in the preceding 9 months. -#}
{% macro bp_target_rules(indicator_code, population_rule, unsuitable_reason, dissent_reason, invitation_reason) %}
    {%- set meets = bp_meets_target(indicator_code) -%}
    {%- set rules = [population_rule] if population_rule else [] -%}
    {%- do rules.extend([
        {'outcome': 'numerator', 'when': within_months('latest_bp_date', 12) ~ ' and ' ~ meets},
        {'outcome': 'pca', 'reason': 'HTMAX', 'when': within_months('htmax_date', 12)},
        {'outcome': 'pca', 'reason': unsuitable_reason, 'when': within_months('unsuitable_date', 12)},
        {'outcome': 'pca', 'reason': 'BPORHBPDEC', 'when': bp_declined_rule(indicator_code)},
        {'outcome': 'pca', 'reason': dissent_reason, 'when': within_months('dissent_date', 12)},
        {'outcome': 'pca', 'reason': invitation_reason,
            'when': outcome_invitation_pca('invitation_dates', 'latest_bp_date', meets)},
        {'outcome': 'pca', 'reason': 'DIAG1_DT9M', 'when': within_months('diagnosis_date', 9)},
        {'outcome': 'pca', 'reason': 'REG1_DAT9', 'when': within_months('registration_date', 9)},
    ]) -%}
    {{ return(rules) }}
{% endmacro %}
