{#-
    Exact integer arithmetic for "how many more patients" questions on a threshold indicator
    (qof_rules.md 2). With lower threshold LT and upper threshold UT in percent, maximum
    points G and denominator D, points are G * (100 N - LT D) / ((UT - LT) D) between the
    thresholds, so a numerator N earns at least T points exactly when

        100 G N >= D (LT G + T (UT - LT)).

    The thresholds are decimals (seed type decimal(12,4)) and every product below stays a
    decimal, so no floating-point rounding decides a boundary. Divisions are done as
    (a - a % b) / b, which is an exact whole number.
-#}

{#- floor(dividend / divisor) for a dividend >= 0 and a divisor > 0, exactly. -#}
{% macro exact_floor_division(dividend, divisor) -%}
    cast(round((({{ dividend }}) - (({{ dividend }}) % ({{ divisor }}))) / ({{ divisor }})) as bigint)
{%- endmacro %}

{#- ceil(dividend / divisor) for a dividend >= 0 and a divisor > 0, exactly. -#}
{% macro exact_ceiling_division(dividend, divisor) -%}
    (
        {{ exact_floor_division(dividend, divisor) }}
        + case when (({{ dividend }}) % ({{ divisor }})) > 0 then 1 else 0 end
    )
{%- endmacro %}

{#- The smallest numerator that earns at least `target_points` points (1 <= target <= G);
    with target G it is the numerator at the upper threshold, ceil(D UT / 100). -#}
{% macro numerator_for_points(denominator, lower_threshold, upper_threshold, max_points, target_points) -%}
    {{ exact_ceiling_division(
        denominator ~ ' * (' ~ lower_threshold ~ ' * ' ~ max_points ~ ' + ' ~ target_points
            ~ ' * (' ~ upper_threshold ~ ' - ' ~ lower_threshold ~ '))',
        '100 * ' ~ max_points
    ) }}
{%- endmacro %}

{#- Whole points a numerator has earned: the largest T in 0..G with the inequality above. -#}
{% macro whole_points_achieved(numerator, denominator, lower_threshold, upper_threshold, max_points) -%}
    (
        case
            when {{ denominator }} = 0 or 100 * {{ numerator }} < {{ lower_threshold }} * {{ denominator }} then 0
            else least(
                cast({{ max_points }} as bigint),
                {{ exact_floor_division(
                    '100 * ' ~ max_points ~ ' * ' ~ numerator ~ ' - ' ~ denominator ~ ' * ' ~ lower_threshold
                        ~ ' * ' ~ max_points,
                    denominator ~ ' * (' ~ upper_threshold ~ ' - ' ~ lower_threshold ~ ')'
                ) }}
            )
        end
    )
{%- endmacro %}
