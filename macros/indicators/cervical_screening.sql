{#- Cervical screening indicator cascades (thresholds_and_rules.md 2.1 Cervical screening).
    Population: women aged 25-64 (int_indicator_inputs__cervical_screening), narrowed to each
    indicator's age band (qof_indicator_targets age_min / age_max) by the population filter. -#}

{#- The CS cascade: cervix removed (NOCX, an exclusion, any time up to PPED), an adequate test
    in the look-back window (numerator), then the PCAs in the 12 months up to PPED: unsuitable
    (CSPU), pregnant (PREG_DAT, CS005 only), informed dissent (CSDEC), no response to three
    invitations (CSPCAINV, the dedicated code), newly registered in the preceding 3 months. -#}
{% macro _cervical_screening_rules(lookback_months, with_pregnancy) %}
    {%- set rules = [
        {'outcome': 'excluded', 'reason': 'NOCX', 'when': 'no_cervix_date is not null'},
        {'outcome': 'numerator', 'when': within_months('smear_date', lookback_months)},
        {'outcome': 'pca', 'reason': 'CSPU', 'when': within_months('unsuitable_date', 12)},
    ] -%}
    {%- if with_pregnancy -%}
        {%- do rules.append({'outcome': 'pca', 'reason': 'PREG_DAT', 'when': within_months('pregnancy_date', 12)}) -%}
    {%- endif -%}
    {%- do rules.extend([
        {'outcome': 'pca', 'reason': 'CSDEC', 'when': within_months('dissent_date', 12)},
        {'outcome': 'pca', 'reason': 'CSPCAINV', 'when': within_months('no_response_date', 12)},
        {'outcome': 'pca', 'reason': 'REG1_DAT3', 'when': within_months('registration_date', 3)},
    ]) -%}
    {{ return(rules) }}
{% endmacro %}

{#- Women aged between the indicator's age_min and age_max at the achievement date. -#}
{% macro _cervical_screening_population(indicator_code) -%}
    sex = 'F'
    and age >= {{ indicator_target(indicator_code, 'age_min') }}
    and age <= {{ indicator_target(indicator_code, 'age_max') }}
{%- endmacro %}

{#- CS005: women aged 25-49 with an adequate cervical screening test in the preceding 3 years
    and 6 months (42 months). -#}
{% macro indicator__cs005() %}
    {{ qof_indicator_cascade(
        'CS005',
        ref('int_indicator_inputs__cervical_screening'),
        _cervical_screening_rules(42, true),
        population_filter=_cervical_screening_population('CS005')
    ) }}
{% endmacro %}

{#- CS006: women aged 50-64 with an adequate cervical screening test in the preceding 5 years
    and 6 months (66 months); no pregnancy PCA. -#}
{% macro indicator__cs006() %}
    {{ qof_indicator_cascade(
        'CS006',
        ref('int_indicator_inputs__cervical_screening'),
        _cervical_screening_rules(66, false),
        population_filter=_cervical_screening_population('CS006')
    ) }}
{% endmacro %}
