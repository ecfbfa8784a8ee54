{# The band (from a band seed) that `value` falls in: min < value <= max, or min <= value < max. #}
{% macro band_join(band_alias, value, min_column, max_column, lower_inclusive=false) -%}
    {{ value }} {{ '>=' if lower_inclusive else '>' }} {{ band_alias }}.{{ min_column }}
    and {{ value }} {{ '<' if lower_inclusive else '<=' }} {{ band_alias }}.{{ max_column }}
{%- endmacro %}
