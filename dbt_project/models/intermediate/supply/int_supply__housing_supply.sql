{#
    Presale supply, sales, saleable stock and months of supply per period × reporting area.
    Months are the natural grain; a quarter or year sums its flows and reports the stock and
    months of supply at its last month (the latest month with data when the period is open).
#}

{{ config(materialized='table') }}

with

monthly as (
    select * from {{ ref('int_supply__stock_monthly') }}
),

supply_bands as (
    select * from {{ ref('policy_months_of_supply_bands') }}
),

by_period as (
    {{ explode_periods('monthly', 'month_start') }}
),

period_ends as (
    select period_grain, period_start, geo_level, geo_code, max(month_start) as end_month
    from by_period
    group by period_grain, period_start, geo_level, geo_code
),

aggregated as (
    select
        by_period.period_grain,
        by_period.period_start,
        by_period.geo_level,
        by_period.geo_code,
        by_period.geo_name,
        max(period_ends.end_month) as stock_month,
        cast(sum(by_period.permits) as bigint) as permits,
        cast(sum(by_period.permitted_residential_units) as bigint) as permitted_residential_units,
        sum(by_period.permitted_residential_area_sqm) as permitted_residential_area_sqm,
        cast(sum(by_period.sold_units) as bigint) as sold_units,
        sum(by_period.sold_area_sqm) as sold_area_sqm,
        sum(by_period.permitted_residential_area_sqm) / nullif(sum(by_period.sold_area_sqm), 0) as supply_to_sales_ratio,
        max(case when by_period.month_start = period_ends.end_month then by_period.supply_gap_reason end) as supply_gap_reason,
        max(case when by_period.month_start = period_ends.end_month then by_period.saleable_stock_area_sqm end) as saleable_stock_area_sqm,
        max(case when by_period.month_start = period_ends.end_month then by_period.avg_monthly_sold_area_12m_sqm end) as avg_monthly_sold_area_12m_sqm,
        max(case when by_period.month_start = period_ends.end_month then by_period.months_of_supply_12m_months end) as months_of_supply_12m_months,
        max(case when by_period.month_start = period_ends.end_month then by_period.months_of_supply_6m_months end) as months_of_supply_6m_months
    from by_period
    inner join period_ends
        on period_ends.period_grain = by_period.period_grain
        and period_ends.period_start = by_period.period_start
        and period_ends.geo_level = by_period.geo_level
        and period_ends.geo_code = by_period.geo_code
    group by by_period.period_grain, by_period.period_start, by_period.geo_level, by_period.geo_code, by_period.geo_name
),

with_changes as (
    {{ period_changes('aggregated', ['geo_level', 'geo_code'],
                      ['permitted_residential_area_sqm', 'sold_area_sqm', 'saleable_stock_area_sqm', 'months_of_supply_12m_months']) }}
)

select
    with_changes.period_grain,
    with_changes.period_start,
    with_changes.geo_level,
    with_changes.geo_code,
    with_changes.geo_name,
    with_changes.stock_month,
    with_changes.permits,
    with_changes.permitted_residential_units,
    with_changes.permitted_residential_area_sqm,
    with_changes.sold_units,
    with_changes.sold_area_sqm,
    with_changes.supply_to_sales_ratio,
    with_changes.supply_gap_reason,
    with_changes.saleable_stock_area_sqm,
    with_changes.avg_monthly_sold_area_12m_sqm,
    with_changes.months_of_supply_12m_months,
    with_changes.months_of_supply_6m_months,
    supply_bands.band_code as months_of_supply_band,
    with_changes.permitted_residential_area_sqm_mom_pct,
    with_changes.permitted_residential_area_sqm_yoy_pct,
    with_changes.sold_area_sqm_mom_pct,
    with_changes.sold_area_sqm_yoy_pct,
    with_changes.saleable_stock_area_sqm_mom_pct,
    with_changes.saleable_stock_area_sqm_yoy_pct,
    with_changes.months_of_supply_12m_months_mom_pct,
    with_changes.months_of_supply_12m_months_yoy_pct
from with_changes
left join supply_bands
    on {{ band_join('supply_bands', 'with_changes.months_of_supply_12m_months', 'min_months_inclusive', 'max_months_exclusive', lower_inclusive=true) }}
