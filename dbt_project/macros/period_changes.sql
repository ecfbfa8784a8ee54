{#
    环比 and 同比 for every metric, computed in one place for every mart.

    `relation` has one row per (period_grain, period_start, *partition_by). The previous period
    is the month/quarter before (none for a year); the same period a year earlier gives 同比.
    Changes are percentages (5.3 = +5.3%), joined by period key, never by row order, so a gap
    month gives no change rather than a wrong one.
#}
{% macro period_changes(relation, partition_by, metrics) -%}
    with

    base as (
        select * from {{ relation }}
    ),

    keyed as (
        select
            base.*,
            case period_grain
                when 'month' then {{ dbt.dateadd('month', -1, 'period_start') }}
                when 'quarter' then {{ dbt.dateadd('month', -3, 'period_start') }}
            end as previous_period_start,
            {{ dbt.dateadd('month', -12, 'period_start') }} as year_ago_period_start
        from base
    )

    select
        keyed.*,
        {% for metric in metrics %}
        100.0 * (keyed.{{ metric }} / nullif(prev.{{ metric }}, 0) - 1) as {{ metric }}_mom_pct,
        100.0 * (keyed.{{ metric }} / nullif(yago.{{ metric }}, 0) - 1) as {{ metric }}_yoy_pct{{ ',' if not loop.last }}
        {% endfor %}
    from keyed
    left join base as prev
        on prev.period_grain = keyed.period_grain
        and cast(prev.period_start as date) = cast(keyed.previous_period_start as date)
        {% for col in partition_by %}and prev.{{ col }} = keyed.{{ col }}
        {% endfor %}
    left join base as yago
        on yago.period_grain = keyed.period_grain
        and cast(yago.period_start as date) = cast(keyed.year_ago_period_start as date)
        {% for col in partition_by %}and yago.{{ col }} = keyed.{{ col }}
        {% endfor %}
{%- endmacro %}
