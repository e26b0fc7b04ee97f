{#-
    Exact binomial funnel-plot control limits (Spiegelhalter 2005, "Funnel plots for
    comparing institutional performance", appendix A.1.1) for every (target_rate, trials)
    pair of the relation or CTE `inputs`.

    For a comparison rate p0 and n trials, R ~ Binomial(n, p0). For a tail probability q the
    limit is (r_q - a) / n, where r_q is the smallest r with P(R <= r) >= q and
    a = (P(R <= r_q) - q) / (P(R <= r_q) - P(R <= r_q - 1)) interpolates between whole
    counts. Limits are clipped to [0, 1], and never cross the target rate (at a denominator of
    one or two the interpolation can put an upper limit below the target). Lower limits use q = (1 - coverage) / 2, upper
    limits q = (1 + coverage) / 2, with the coverages of the `qof_funnel_control_limits`
    seed (`95` and `99.8`). A rate of exactly 0 or 1 has no spread: both limits equal it.

    The interpolated limits are smooth in n, for drawing the funnel. Whether a count is an
    outlier is decided on the counts themselves: the quantile counts r_q are returned too, and
    a count above the upper r_q (or below the lower) is one whose exact binomial tail
    probability is at most (1 - coverage) / 2. At very small denominators a count on a mass
    point (0 % or 100 % of a handful of patients) can sit just beyond a drawn limit without
    being an outlier.

    Returns one row per pair: target_rate, trials, lower_limit_95, upper_limit_95,
    lower_limit_998, upper_limit_998 and the quantile counts lower_count_95, upper_count_95,
    lower_count_998, upper_count_998. The binomial terms are built in SQL (one row per possible
    count), so the work grows with the sum of the distinct denominators.
-#}
{% macro binomial_control_limits(inputs) %}

    select * from (

        with

        control_limits as (

            select * from {{ ref('qof_funnel_control_limits') }}

        ),

        tail_probabilities as (

            select
                max((1 - coverage) / 2) filter (where control_limit = '95') as lower_95,
                max((1 + coverage) / 2) filter (where control_limit = '95') as upper_95,
                max((1 - coverage) / 2) filter (where control_limit = '99.8') as lower_998,
                max((1 + coverage) / 2) filter (where control_limit = '99.8') as upper_998
            from control_limits

        ),

        pairs as (

            select distinct
                cast(target_rate as double) as target_rate,
                cast(trials as bigint) as trials
            from {{ inputs }}
            where target_rate is not null and trials > 0

        ),

        binomial_terms as (

            select
                pairs.target_rate,
                pairs.trials,
                counts.k,
                exp(
                    lgamma(pairs.trials + 1) - lgamma(counts.k + 1) - lgamma(pairs.trials - counts.k + 1)
                    + counts.k * ln(pairs.target_rate)
                    + (pairs.trials - counts.k) * ln(1 - pairs.target_rate)
                ) as probability
            from pairs
            cross join lateral (select unnest(range(0, pairs.trials + 1)) as k) as counts
            where pairs.target_rate > 0 and pairs.target_rate < 1

        ),

        cumulative as (

            select
                target_rate,
                trials,
                k,
                sum(probability) over (
                    partition by target_rate, trials
                    order by k
                    rows between unbounded preceding and current row
                ) as cdf
            from binomial_terms

        ),

        quantiles as (

            {%- set tails = ['lower_95', 'upper_95', 'lower_998', 'upper_998'] %}
            select
                cumulative.target_rate,
                cumulative.trials,
                {%- for tail in tails %}
                    any_value(tail_probabilities.{{ tail }}) as q_{{ tail }},
                    min(cumulative.k) filter (where cumulative.cdf >= tail_probabilities.{{ tail }}) as r_{{ tail }},
                    min(cumulative.cdf) filter (where cumulative.cdf >= tail_probabilities.{{ tail }}) as cdf_{{ tail }},
                    coalesce(
                        max(cumulative.cdf) filter (where cumulative.cdf < tail_probabilities.{{ tail }}), 0
                    ) as cdf_below_{{ tail }}{{ ',' if not loop.last }}
                {%- endfor %}
            from cumulative
            cross join tail_probabilities
            group by cumulative.target_rate, cumulative.trials

        ),

        interior_limits as (

            select
                target_rate,
                trials,
                {%- for tail in tails %}
                    {{ 'least' if tail.startswith('lower') else 'greatest' }}(target_rate, greatest(0.0, least(1.0,
                        (
                            r_{{ tail }}
                            - (cdf_{{ tail }} - q_{{ tail }}) / (cdf_{{ tail }} - cdf_below_{{ tail }})
                        ) / trials
                    ))) as {{ tail.replace('lower_', 'lower_limit_').replace('upper_', 'upper_limit_') }},
                {%- endfor %}
                {%- for tail in tails %}
                    r_{{ tail }} as {{ tail.replace('lower_', 'lower_count_').replace('upper_', 'upper_count_') }}
                    {{- ',' if not loop.last }}
                {%- endfor %}
            from quantiles

        ),

        boundary_limits as (

            select
                target_rate,
                trials,
                {%- for tail in tails %}
                    target_rate as {{ tail.replace('lower_', 'lower_limit_').replace('upper_', 'upper_limit_') }},
                {%- endfor %}
                {%- for tail in tails %}
                    cast(round(target_rate * trials) as bigint)
                        as {{ tail.replace('lower_', 'lower_count_').replace('upper_', 'upper_count_') }}
                    {{- ',' if not loop.last }}
                {%- endfor %}
            from pairs
            where target_rate <= 0 or target_rate >= 1

        )

        select * from interior_limits
        union all
        select * from boundary_limits

    )

{% endmacro %}
