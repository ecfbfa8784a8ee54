{# Period keys as DATE at the period's first day; the grain names the period length. #}
{% macro period_start(grain, date_column) -%}
    cast({{ dbt.date_trunc(grain, date_column) }} as date)
{%- endmacro %}

{# Months back to the previous period (环比) for a grain; a year has no 环比, only 同比. #}
{% macro mom_offset_months(grain) -%}
    {{ {'month': 1, 'quarter': 3, 'year': 'null'}[grain] }}
{%- endmacro %}

{#
    Explode rows into month, quarter and year periods of `date_column`, so one aggregation
    serves every grain (medians cannot be rolled up from months).
#}
{% macro explode_periods(relation, date_column) -%}
    {% for grain in ['month', 'quarter', 'year'] %}
    select
        exploded.*,
        '{{ grain }}' as period_grain,
        {{ period_start(grain, 'exploded.' ~ date_column) }} as period_start
    from {{ relation }} as exploded
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
{%- endmacro %}
