{#- Vaccination and immunisation cascades (thresholds_and_rules.md 2.1). Population: every GMS
    patient (int_indicator_inputs__vaccination), narrowed to the indicator's birth cohort by the
    age reached in the 12 months up to the achievement date. No register, no patient-decline
    PCA for VI001-VI003; their registration PCAs are automated (2023/24 GP contract): a child
    still short of doses who registered too late to complete the course by the cut-off age,
    with doses at least `dose_interval_days_min` apart and the first given on the registration
    day [R]. Ages and dose counts come from the qof_indicator_targets seed. -#}

{#- The date a patient reaches the age `target_name` (a target of `indicator_code`, in `unit`). -#}
{% macro _vi_age_date(indicator_code, target_name, unit='months') -%}
    cast(
        date_of_birth + to_{{ unit }}(cast({{ indicator_target(indicator_code, target_name) }} as integer))
        as date
    )
{%- endmacro %}

{#- The vaccination inputs with the cohort's dates and targets added as columns (`dates`: name
    -> expression), then the dose counts and flags computed from them (`flags`), so every long
    condition is written once and list filters compare with columns (no subquery in a lambda). -#}
{% macro _vi_population(dates, flags={}) -%}
    {{ resp_population(resp_population(ref('int_indicator_inputs__vaccination'), dates), flags) }}
{%- endmacro %}

{#- Number of distinct dates of `dates_column` in [`low`, `high`) (`low` none: no lower bound). -#}
{% macro _vi_doses_between(dates_column, high, low=none) -%}
    len(list_filter(
        coalesce({{ dates_column }}, []),
        dose_date -> dose_date < {{ high }}{% if low %} and dose_date >= {{ low }}{% endif %}
    ))
{%- endmacro %}

{#- The automated registration PCA: still short of `doses_min` doses at the cut-off date, and
    registered later than the last day the missing doses could start and still be completed
    before it (cut-off - 1 day - (missing doses - 1) x minimum interval). -#}
{% macro _vi_registered_too_late(doses, doses_min='doses_min') -%}
    registration_date > cutoff_date - cast(1 + (greatest({{ doses_min }} - {{ doses }}, 1) - 1) * dose_interval_days as integer)
{%- endmacro %}

{#- VI001: babies who reached 8 months in the preceding 12 months with at least 3 doses of a
    DTP-containing vaccine before they reached 8 months. PCAs: DTP vaccine contraindicated
    before 8 months (DTPCON), registered too late to complete the course (PCADTP). -#}
{% macro indicator__vi001() %}
    {{ qof_indicator_cascade(
        'VI001',
        _vi_population(
            {
                'cutoff_date': _vi_age_date('VI001', 'target_age_months'),
                'doses_min': indicator_target('VI001', 'doses_min'),
                'dose_interval_days': indicator_target('VI001', 'dose_interval_days_min'),
            },
            {
                'dtp_doses': _vi_doses_between('dtp_dates', 'cutoff_date'),
                'dtp_contraindications': _vi_doses_between('dtp_contraindication_dates', 'cutoff_date'),
            }
        ),
        [
            {'outcome': 'numerator', 'when': 'dtp_doses >= doses_min'},
            {'outcome': 'pca', 'reason': 'DTPCON', 'when': 'dtp_contraindications > 0'},
            {'outcome': 'pca', 'reason': 'PCADTP', 'when': _vi_registered_too_late('dtp_doses')},
        ],
        population_filter=within_months('cutoff_date', 12)
    ) }}
{% endmacro %}

{#- VI002: children who reached 18 months in the preceding 12 months with at least one MMR dose
    from their first birthday to before they reached 18 months. PCAs: MMR contraindicated up to
    and including the day they reached 18 months (MMRCON), registered too late (PCAMMR1). -#}
{% macro indicator__vi002() %}
    {{ qof_indicator_cascade(
        'VI002',
        _vi_population(
            {
                'cutoff_date': _vi_age_date('VI002', 'target_age_months'),
                'from_date': _vi_age_date('VI002', 'from_age_months'),
                'doses_min': indicator_target('VI002', 'doses_min'),
                'dose_interval_days': indicator_target('VI002', 'dose_interval_days_min'),
            },
            {
                'mmr_doses': _vi_doses_between('mmr_dates', 'cutoff_date', 'from_date'),
                'mmr_contraindications': _vi_doses_between('mmr_contraindication_dates', 'cutoff_date + 1'),
            }
        ),
        [
            {'outcome': 'numerator', 'when': 'mmr_doses >= doses_min'},
            {'outcome': 'pca', 'reason': 'MMRCON', 'when': 'mmr_contraindications > 0'},
            {'outcome': 'pca', 'reason': 'PCAMMR1', 'when': _vi_registered_too_late('mmr_doses')},
        ],
        population_filter=within_months('cutoff_date', 12)
    ) }}
{% endmacro %}

{#- VI003: children who reached 5 years in the preceding 12 months with a DTaP/IPV booster
    before their 5th birthday and at least two MMR doses from their first to before their 5th
    birthday. PCAs: before the 5th birthday both vaccines contraindicated, or two MMR doses and
    DTaP/IPV contraindicated, or the booster and MMR contraindicated (MMRDTAPCON); registered
    too late to complete the MMR course (PCAMMRDTAP; the booster can share a visit). -#}
{% macro indicator__vi003() %}
    {%- set has_two_mmr = 'mmr_doses >= mmr_doses_min' -%}
    {%- set has_booster = 'booster_doses >= booster_doses_min' -%}
    {{ qof_indicator_cascade(
        'VI003',
        _vi_population(
            {
                'cutoff_date': _vi_age_date('VI003', 'target_age_months'),
                'from_date': _vi_age_date('VI003', 'from_age_months'),
                'mmr_doses_min': indicator_target('VI003', 'mmr_doses_min'),
                'booster_doses_min': indicator_target('VI003', 'booster_doses_min'),
                'dose_interval_days': indicator_target('VI003', 'dose_interval_days_min'),
            },
            {
                'mmr_doses': _vi_doses_between('mmr_dates', 'cutoff_date', 'from_date'),
                'booster_doses': _vi_doses_between('dtap_ipv_booster_dates', 'cutoff_date'),
                'is_mmr_contraindicated': _vi_doses_between('mmr_contraindication_dates', 'cutoff_date') ~ ' > 0',
                'is_booster_contraindicated': _vi_doses_between('dtap_ipv_contraindication_dates', 'cutoff_date') ~ ' > 0',
            }
        ),
        [
            {'outcome': 'numerator', 'when': has_two_mmr ~ ' and ' ~ has_booster},
            {'outcome': 'pca', 'reason': 'MMRDTAPCON', 'when':
                '(is_booster_contraindicated and (is_mmr_contraindicated or ' ~ has_two_mmr ~ '))'
                ~ ' or (is_mmr_contraindicated and ' ~ has_booster ~ ')'},
            {'outcome': 'pca', 'reason': 'PCAMMRDTAP', 'when': _vi_registered_too_late('mmr_doses', 'mmr_doses_min')},
        ],
        population_filter=within_months('cutoff_date', 12)
    ) }}
{% endmacro %}

{#- VI004: patients aged 80 or 81 at the achievement date. Those aged 81 (who reached 80 the
    year before) stay only while awaiting the second dose of a two-dose course started at 70-79
    (the rest are rejected: SHV2AGE). Numerator: a single-dose (live) shingles vaccine at 70-79,
    or two doses of a two-dose course, the first at 70-79 and the second before the 81st
    birthday; doses are told apart by the live-vaccine cluster, every other shingles
    vaccination counting as a dose of the two-dose course [R]. PCAs: contraindicated (SHCON),
    declined at 70-79 with no dose ever (SHDECU80), first dose then the second declined
    (SHDECV2), reached 80 in the year still awaiting the second dose (SHNOV2O80). -#}
{% macro indicator__vi004() %}
    {{ qof_indicator_cascade(
        'VI004',
        _vi_population(
            {
                'age_70_date': _vi_age_date('VI004', 'vaccine_age_min', 'years'),
                'age_80_date': _vi_age_date('VI004', 'single_dose_age_max', 'years'),
                'age_81_date': _vi_age_date('VI004', 'second_dose_age_max', 'years'),
                'age_in_year': indicator_target('VI004', 'age_in_year'),
            },
            {
                'first_course_date': 'list_min(list_filter(coalesce(shingles_course_dates, []), '
                    ~ 'dose_date -> dose_date >= age_70_date and dose_date < age_80_date))',
                'live_doses': _vi_doses_between('shingles_live_dates', 'age_80_date', 'age_70_date'),
                'declines_70_79': _vi_doses_between('shingles_declined_dates', 'age_80_date', 'age_70_date'),
            }
        ),
        [
            {'outcome': 'excluded', 'reason': 'SHV2AGE', 'when':
                'age > age_in_year and (first_course_date is null or len(list_filter(shingles_course_dates, '
                ~ 'dose_date -> dose_date > first_course_date and dose_date < age_80_date)) > 0)'},
            {'outcome': 'numerator', 'when':
                'live_doses > 0 or len(list_filter(shingles_course_dates, '
                ~ 'dose_date -> dose_date > first_course_date and dose_date < age_81_date)) > 0'},
            {'outcome': 'pca', 'reason': 'SHCON', 'when': 'len(coalesce(shingles_contraindication_dates, [])) > 0'},
            {'outcome': 'pca', 'reason': 'SHDECU80', 'when':
                'declines_70_79 > 0 and len(coalesce(shingles_live_dates, [])) + len(coalesce(shingles_course_dates, [])) = 0'},
            {'outcome': 'pca', 'reason': 'SHDECV2', 'when':
                'len(list_filter(coalesce(shingles_declined_dates, []), declined_date -> declined_date > first_course_date)) > 0'},
            {'outcome': 'pca', 'reason': 'SHNOV2O80', 'when': 'age = age_in_year and first_course_date is not null'},
        ],
        population_filter='age >= age_in_year and age <= age_in_year + 1'
    ) }}
{% endmacro %}
