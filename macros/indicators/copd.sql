{#- COPD indicator cascades (thresholds_and_rules.md 2.1). Population: the COPD register
    (int_indicator_inputs__copd). -#}

{#- COPD010: any COPD review (COPDRVW_COD) in the preceding 12 months with the number of
    exacerbations and an MRC dyspnoea grade recorded from the review date to one month after
    it (the COPD010 review_element_months target), read as AST007 [R]. PCAs: unsuitable,
    informed dissent, invitations, diagnosed or registered in the 3 months. -#}
{% macro indicator__copd010() %}
    {{ qof_indicator_cascade(
        'COPD010',
        resp_population(ref('int_indicator_inputs__copd'), {
            'review_element_months': indicator_target('COPD010', 'review_element_months'),
        }),
        [{'outcome': 'numerator', 'when': resp_any_complete_review(
            'review_dates', ['exacerbation_count_dates', 'mrc_dates']
        )}]
        + resp_process_pca_rules('COPDPCAPU', 'COPDPCADEC', resp_invitation_rule('COPDINVITE'))
    ) }}
{% endmacro %}

{#- COPD014 (2023/24, 2024/25): patients with an MRC grade of 3 or more at any time in the
    preceding 12 months (the rest are rejected: NOTMRC1, the MRC1 field in reverse), excluding
    those who attended pulmonary rehabilitation between the diagnosis and the earliest such MRC
    record (PULRHBATT), with an offer of referral to pulmonary rehabilitation on or after that
    MRC record (an offer, or a declined referral, which implies one [R]). PCAs: rehabilitation
    unsuitable, COPD or rehabilitation service unavailable, then the general COPD PCAs. -#}
{% macro indicator__copd014() %}
    {{ qof_indicator_cascade(
        'COPD014',
        resp_population(
            resp_population(ref('int_indicator_inputs__copd'), {
                'first_high_mrc_date': 'list_min(list_filter(coalesce(high_mrc_dates, []), mrc_date -> '
                    ~ within_months('mrc_date', 12) ~ '))',
            }),
            {
                'attended_before_mrc': 'len(list_filter(coalesce(rehab_attended_dates, []), attended_date -> '
                    ~ 'attended_date >= diagnosis_date and attended_date < first_high_mrc_date)) > 0',
                'offered_after_mrc': 'len(list_filter(coalesce(rehab_offer_dates, []), offer_date -> '
                    ~ 'offer_date >= first_high_mrc_date and offer_date <= ' ~ achievement_date() ~ ')) > 0',
            }
        ),
        [
            {'outcome': 'excluded', 'reason': 'NOTMRC1', 'when': 'first_high_mrc_date is null'},
            {'outcome': 'excluded', 'reason': 'PULRHBATT', 'when': 'attended_before_mrc'},
            {'outcome': 'numerator', 'when': 'offered_after_mrc'},
        ]
        + resp_process_pca_rules(
            'COPDPCAPU', 'COPDPCADEC', resp_invitation_rule('COPDINVITE'),
            specific_rules=[
                {'outcome': 'pca', 'reason': 'PULRHBPU', 'when': within_months('rehab_unsuitable_date', 12)},
                {'outcome': 'pca', 'reason': 'PULRHBSU', 'when': within_months('rehab_unavailable_date', 12)},
            ]
        )
    ) }}
{% endmacro %}
