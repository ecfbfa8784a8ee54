{#
    Gross rental yield and 租售比 per year × reporting area, on matched communities only (both
    registered rentals and second-hand sales that year): rent per ㎡ and price per ㎡ are each
    Σ ÷ Σ over those communities, so both sides describe the same housing stock.
#}

{{ config(materialized='table') }}

with

communities as (
    select * from {{ ref('int_rental__community_yields') }}
    where is_matched
),

by_area as (
    {{ explode_areas('communities') }}
),

aggregated as (
    select
        'year' as period_grain,
        cast(concat(cast(year as string), '-01-01') as date) as period_start,
        geo_level,
        geo_code,
        geo_name,
        count(*) as matched_communities,
        cast(sum(registrations) as bigint) as registrations,
        cast(sum(resales) as bigint) as resales,
        sum(monthly_rent_yuan) / nullif(sum(rented_area_sqm), 0) as rent_yuan_per_sqm_month,
        sum(resale_amount_yuan) / nullif(sum(resale_area_sqm), 0) as resale_price_yuan_per_sqm,
        {{ median('gross_yield_pct') }} as median_community_gross_yield_pct
    from by_area
    group by year, geo_level, geo_code, geo_name
),

with_yields as (
    select
        aggregated.*,
        100.0 * 12 * rent_yuan_per_sqm_month / nullif(resale_price_yuan_per_sqm, 0) as gross_yield_pct,
        resale_price_yuan_per_sqm / nullif(rent_yuan_per_sqm_month, 0) as price_to_monthly_rent_n
    from aggregated
),

with_changes as (
    {{ period_changes('with_yields', ['geo_level', 'geo_code'],
                      ['rent_yuan_per_sqm_month', 'resale_price_yuan_per_sqm', 'gross_yield_pct']) }}
)

select
    period_grain,
    period_start,
    geo_level,
    geo_code,
    geo_name,
    matched_communities,
    registrations,
    resales,
    rent_yuan_per_sqm_month,
    resale_price_yuan_per_sqm,
    gross_yield_pct,
    price_to_monthly_rent_n,
    median_community_gross_yield_pct,
    rent_yuan_per_sqm_month_yoy_pct,
    resale_price_yuan_per_sqm_yoy_pct,
    gross_yield_pct_yoy_pct
from with_changes
