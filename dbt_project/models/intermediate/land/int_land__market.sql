{#
    Land transactions per period × reporting area × use group (all uses, residential = 住宅 + 商住).
    Floor price, premium rate and 地房比 are residential-only figures, weighted by the deals
    (Σ deal ÷ Σ buildable area, Σ deal ÷ Σ start − 1), null on the all-uses rows.
#}

{{ config(materialized='table') }}

with

parcels as (
    select * from {{ ref('int_land__parcels_current') }}
    where deal_date is not null
),

new_home_prices as (
    select * from {{ ref('int_new_home__sales') }}
    where band_type = 'all'
),

by_area as (
    {{ explode_areas('parcels') }}
),

by_use as (
    select by_area.*, 'all' as use_group from by_area
    union all
    select by_area.*, 'residential' as use_group from by_area where is_residential_use
),

by_period as (
    {{ explode_periods('by_use', 'deal_date') }}
),

aggregated as (
    select
        period_grain,
        period_start,
        geo_level,
        geo_code,
        geo_name,
        use_group,
        count(*) as parcels_offered,
        cast(sum(case when is_sold then 1 else 0 end) as bigint) as parcels_sold,
        cast(sum(case when is_failed then 1 else 0 end) as bigint) as parcels_failed,
        cast(sum(case when is_terminated then 1 else 0 end) as bigint) as parcels_terminated,
        cast(sum(case when is_at_price_cap then 1 else 0 end) as bigint) as parcels_at_price_cap,
        cast(sum(case when is_lottery then 1 else 0 end) as bigint) as parcels_lottery,
        sum(site_area_sqm) as site_area_offered_sqm,
        sum(case when is_sold then site_area_sqm end) as site_area_sold_sqm,
        sum(case when is_sold then buildable_area_sqm end) as buildable_area_sold_sqm,
        coalesce(sum(deal_price_yuan), 0.0) as land_revenue_yuan,
        case when use_group = 'residential'
            then sum(deal_price_yuan) / nullif(sum(case when is_sold then buildable_area_sqm end), 0) end as floor_price_yuan_per_sqm,
        case when use_group = 'residential'
            then 100.0 * (sum(deal_price_yuan) / nullif(sum(case when is_sold then start_price_yuan end), 0) - 1) end as premium_rate_pct,
        case when use_group = 'residential' then max(premium_rate_pct) end as max_premium_rate_pct,
        100.0 * sum(case when is_failed then 1 else 0 end) / nullif(count(*), 0) as failed_share_pct
    from by_period
    group by period_grain, period_start, geo_level, geo_code, geo_name, use_group
),

district_of_block as (
    select distinct concat(district_code, ':', block_name) as block_geo_code, district_code
    from parcels
    where block_name is not null
),

priced as (
    select
        aggregated.*,
        coalesce(same_area.avg_price_yuan_per_sqm, parent_district.avg_price_yuan_per_sqm) as new_home_avg_price_yuan_per_sqm
    from aggregated
    left join new_home_prices as same_area
        on same_area.period_grain = aggregated.period_grain
        and same_area.period_start = aggregated.period_start
        and same_area.geo_level = aggregated.geo_level
        and same_area.geo_code = aggregated.geo_code
    left join district_of_block
        on aggregated.geo_level = 'block'
        and district_of_block.block_geo_code = aggregated.geo_code
    left join new_home_prices as parent_district
        on parent_district.period_grain = aggregated.period_grain
        and parent_district.period_start = aggregated.period_start
        and parent_district.geo_level = 'district'
        and parent_district.geo_code = district_of_block.district_code
),

with_ratio as (
    select
        priced.*,
        100.0 * floor_price_yuan_per_sqm / nullif(new_home_avg_price_yuan_per_sqm, 0) as land_to_house_price_ratio_pct
    from priced
),

with_changes as (
    {{ period_changes('with_ratio', ['geo_level', 'geo_code', 'use_group'],
                      ['parcels_sold', 'land_revenue_yuan', 'floor_price_yuan_per_sqm']) }}
)

select
    period_grain,
    period_start,
    geo_level,
    geo_code,
    geo_name,
    use_group,
    parcels_offered,
    parcels_sold,
    parcels_failed,
    parcels_terminated,
    parcels_at_price_cap,
    parcels_lottery,
    site_area_offered_sqm,
    site_area_sold_sqm,
    buildable_area_sold_sqm,
    land_revenue_yuan,
    floor_price_yuan_per_sqm,
    premium_rate_pct,
    max_premium_rate_pct,
    failed_share_pct,
    new_home_avg_price_yuan_per_sqm,
    land_to_house_price_ratio_pct,
    parcels_sold_mom_pct,
    parcels_sold_yoy_pct,
    land_revenue_yuan_mom_pct,
    land_revenue_yuan_yoy_pct,
    floor_price_yuan_per_sqm_mom_pct,
    floor_price_yuan_per_sqm_yoy_pct
from with_changes
