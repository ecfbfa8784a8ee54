{# Median that both DuckDB and Spark read: dispatch per adapter. #}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'housewatch')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_approx({{ expression }}, 0.5)
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    quantile_cont({{ expression }}, 0.5)
{%- endmacro %}
