{#
    True where `value comparator threshold` holds, the comparator being a column holding one of
    > >= < <= (alert_thresholds.comparator): the one reading of a threshold row, shared by the
    alerts and the evidence behind them.
#}
{% macro meets_threshold(value, comparator, threshold) -%}
    case {{ comparator }}
        when '>' then {{ value }} > {{ threshold }}
        when '>=' then {{ value }} >= {{ threshold }}
        when '<' then {{ value }} < {{ threshold }}
        when '<=' then {{ value }} <= {{ threshold }}
    end
{%- endmacro %}
