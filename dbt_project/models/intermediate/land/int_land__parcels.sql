{#
    One row per land parcel (current version) with its derived figures and the land-to-house
    price ratio (地房比): floor price ÷ new-home average price of the parcel's block in its deal
    month, falling back to its district when the block sold no new homes that month.
#}

{{ config(materialized='table') }}

with

parcels as (
    select * from {{ ref('int_land__parcels_current') }}
),

new_home_prices as (
    select * from {{ ref('int_new_home__sales') }}
    where period_grain = 'month' and band_type = 'all' and geo_level in ('block', 'district')
),

priced as (
    select
        parcels.*,
        coalesce(block_prices.avg_price_yuan_per_sqm, district_prices.avg_price_yuan_per_sqm) as new_home_avg_price_yuan_per_sqm,
        case
            when block_prices.avg_price_yuan_per_sqm is not null then 'block'
            when district_prices.avg_price_yuan_per_sqm is not null then 'district'
        end as new_home_price_level
    from parcels
    left join new_home_prices as block_prices
        on block_prices.geo_level = 'block'
        and block_prices.geo_code = concat(parcels.district_code, ':', parcels.block_name)
        and block_prices.period_start = parcels.deal_month
    left join new_home_prices as district_prices
        on district_prices.geo_level = 'district'
        and district_prices.geo_code = parcels.district_code
        and district_prices.period_start = parcels.deal_month
)

select
    parcel_id,
    parcel_name,
    district_code,
    district_name,
    block_name,
    land_use,
    is_residential_use,
    method,
    status,
    deal_date,
    deal_month,
    site_area_sqm,
    plot_ratio,
    buildable_area_sqm,
    start_price_yuan,
    price_cap_yuan,
    deal_price_yuan,
    floor_price_yuan_per_sqm,
    premium_rate_pct,
    is_at_price_cap,
    is_lottery,
    winner,
    new_home_avg_price_yuan_per_sqm,
    new_home_price_level,
    case when is_residential_use
        then 100.0 * floor_price_yuan_per_sqm / nullif(new_home_avg_price_yuan_per_sqm, 0) end as land_to_house_price_ratio_pct
from priced
