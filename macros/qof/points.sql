{#-
    Points of a threshold indicator (qof_rules.md 2): zero below the lower threshold, the
    maximum at or above the upper threshold, linear in between. Achievement is
    numerator / denominator; a zero denominator earns nothing. Computed on exact counts
    (no rounding of the achievement percentage) and thresholds in percent.
-#}
{% macro threshold_points(numerator, denominator, lower_threshold, upper_threshold, max_points) -%}
    (
        case
            when {{ denominator }} = 0 or {{ lower_threshold }} is null or {{ upper_threshold }} is null then 0.0
            when 100.0 * {{ numerator }} < {{ lower_threshold }} * {{ denominator }} then 0.0
            when 100.0 * {{ numerator }} >= {{ upper_threshold }} * {{ denominator }} then cast({{ max_points }} as double)
            else
                {{ max_points }}
                * (100.0 * {{ numerator }} - {{ lower_threshold }} * {{ denominator }})
                / (({{ upper_threshold }} - {{ lower_threshold }}) * {{ denominator }})
        end
    )
{%- endmacro %}
