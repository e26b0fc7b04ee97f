{#- Depression indicator cascade (thresholds_and_rules.md 2.1). Population: the DEP register
    (aged 18 or over, unresolved depression; int_indicator_inputs__depression) with the
    DEP004 review-window targets added as columns (list lambdas cannot hold subqueries). -#}

{#- DEP004: a new depression diagnosis (the current episode began in the 15 months up to the
    achievement date: the service year plus the last 3 months of the previous one), reviewed
    not earlier than 10 and not later than 56 days after the diagnosis. Rules in order:
    DEPR_DAT2 (episode began 15 months or more before the achievement date: rejected),
    DEPRVW_DAT (a review after the diagnosis and more than 12 months before the achievement
    date, i.e. counted last year: rejected), the numerator, then DEPRPCAPU, DEPRPCADEC,
    DEPRINVITE, DIAG1_DAT, REG1_DAT3. -#}
{% macro indicator__dep004() %}
    {%- set population -%}
        (
            select
                inputs.*,
                {{ indicator_target('DEP004', 'review_min_days_after_diagnosis') }} as review_min_days,
                {{ indicator_target('DEP004', 'review_max_days_after_diagnosis') }} as review_max_days
            from {{ ref('int_indicator_inputs__depression') }} as inputs
        )
    {%- endset -%}
    {%- set reviewed_last_year -%}
        len(list_filter(
            review_dates,
            review_date -> review_date >= diagnosis_date
            and review_date <= {{ months_before_pped(12) }}
        )) > 0
    {%- endset -%}
    {%- set reviewed_in_window -%}
        len(list_filter(
            review_dates,
            review_date -> review_date - diagnosis_date >= review_min_days
            and review_date - diagnosis_date <= review_max_days
            and review_date <= {{ achievement_date() }}
        )) > 0
    {%- endset -%}
    {{ qof_indicator_cascade(
        'DEP004',
        population,
        [
            {'outcome': 'excluded', 'reason': 'DEPR_DAT2',
                'when': 'not coalesce(' ~ within_months('diagnosis_date', 15) ~ ', false)'},
            {'outcome': 'excluded', 'reason': 'DEPRVW_DAT', 'when': reviewed_last_year},
            {'outcome': 'numerator', 'when': reviewed_in_window},
            {'outcome': 'pca', 'reason': 'DEPRPCAPU', 'when': within_months('unsuitable_date', 12)},
            {'outcome': 'pca', 'reason': 'DEPRPCADEC', 'when': within_months('dissent_date', 12)},
            {'outcome': 'pca', 'reason': 'DEPRINVITE', 'when': has_invitation_pair('invitation_dates')},
            {'outcome': 'pca', 'reason': 'DIAG1_DAT', 'when': within_months('diagnosis_date', 3)},
            {'outcome': 'pca', 'reason': 'REG1_DAT3', 'when': within_months('registration_date', 3)},
        ]
    ) }}
{% endmacro %}
