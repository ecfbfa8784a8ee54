{#
    One row per month (column month_start, DATE at the month's first day) from `start` to `end`
    inclusive; both are SQL expressions (a literal, or a scalar subquery over a CTE). Stock and
    months-of-supply marts need every month, including months with no sales.
#}
{% macro month_spine(start, end) -%}
    {{ return(adapter.dispatch('month_spine', 'housewatch')(start, end)) }}
{%- endmacro %}

{% macro default__month_spine(start, end) -%}
    select explode(sequence(
        cast({{ dbt.date_trunc('month', start) }} as date),
        cast({{ dbt.date_trunc('month', end) }} as date),
        interval 1 month
    )) as month_start
{%- endmacro %}

{% macro duckdb__month_spine(start, end) -%}
    select cast(unnest(generate_series(
        cast({{ dbt.date_trunc('month', start) }} as timestamp),
        cast({{ dbt.date_trunc('month', end) }} as timestamp),
        interval 1 month
    )) as date) as month_start
{%- endmacro %}
