{#
    Second-hand residential sales by period × reporting area × band, with the new-home /
    second-hand average price ratio on the all-bands rows. Cancelled contracts are excluded;
    average price is amount ÷ area, never a mean of unit prices.
#}
with

sales as (
    select * from {{ ref('int_resale__contracts_current') }}
    where is_residential and not is_cancelled
),

new_home as (
    select * from {{ ref('int_new_home__sales') }}
    where band_type = 'all'
),

by_area as (
    {{ explode_areas('sales') }}
),

by_band as (
    {{ explode_bands('by_area', {'size': 'size_band', 'total_price': 'total_price_band',
                                 'building_age': 'building_age_band'}) }}
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
        count(distinct community) as communities
    from by_period
    group by period_grain, period_start, geo_level, geo_code, geo_name, band_type, band
),

with_ratio as (
    select
        aggregated.*,
        new_home.avg_price_yuan_per_sqm as new_home_avg_price_yuan_per_sqm,
        new_home.avg_price_yuan_per_sqm / nullif(aggregated.avg_price_yuan_per_sqm, 0) as new_to_resale_price_ratio
    from aggregated
    left join new_home
        on aggregated.band_type = 'all'
        and new_home.period_grain = aggregated.period_grain
        and new_home.period_start = aggregated.period_start
        and new_home.geo_level = aggregated.geo_level
        and new_home.geo_code = aggregated.geo_code
),

with_changes as (
    {{ period_changes('with_ratio', ['geo_level', 'geo_code', 'band_type', 'band'],
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
    communities,
    new_home_avg_price_yuan_per_sqm,
    new_to_resale_price_ratio,
    units_mom_pct,
    units_yoy_pct,
    area_sqm_mom_pct,
    area_sqm_yoy_pct,
    amount_yuan_mom_pct,
    amount_yuan_yoy_pct,
    avg_price_yuan_per_sqm_mom_pct,
    avg_price_yuan_per_sqm_yoy_pct
from with_changes
