{#
    New-home residential sales by period × reporting area × band. Cancelled contracts are
    excluded; average price is amount ÷ area, never a mean of unit prices.
#}

{{ config(materialized='table') }}

with

sales as (
    select * from {{ ref('int_new_home__contracts_current') }}
    where is_residential and not is_cancelled
),

by_area as (
    {{ explode_areas('sales') }}
),

by_band as (
    {{ explode_bands('by_area', {'size': 'size_band', 'total_price': 'total_price_band'}) }}
),

by_period as (
    {{ explode_periods('by_band', 'sign_date') }}
),

aggregated as (
    select
        period_grain,
        period_start,
        geo_level,
        geo_code,
        geo_name,
        band_type,
        band,
        {{ sales_measures() }},
        count(distinct project_id) as projects
    from by_period
    group by period_grain, period_start, geo_level, geo_code, geo_name, band_type, band
),

with_changes as (
    {{ period_changes('aggregated', ['geo_level', 'geo_code', 'band_type', 'band'],
                      ['units', 'area_sqm', 'amount_yuan', 'avg_price_yuan_per_sqm']) }}
)

select
    period_grain,
    period_start,
    geo_level,
    geo_code,
    geo_name,
    band_type,
    band,
    units,
    area_sqm,
    amount_yuan,
    avg_price_yuan_per_sqm,
    median_price_yuan_per_sqm,
    projects,
    units_mom_pct,
    units_yoy_pct,
    area_sqm_mom_pct,
    area_sqm_yoy_pct,
    amount_yuan_mom_pct,
    amount_yuan_yoy_pct,
    avg_price_yuan_per_sqm_mom_pct,
    avg_price_yuan_per_sqm_yoy_pct
from with_changes
