{#
    Registered rentals by period × reporting area: rent per ㎡·month (Σ rent ÷ Σ area) against
    the guide rents of the same registrations (area-weighted, each at its block's guide for its
    year), so the comparison is like for like at every level.
#}

{{ config(materialized='table') }}

with

rentals as (
    select * from {{ ref('int_rental__registrations_current') }}
    where is_registered
),

by_area as (
    {{ explode_areas('rentals') }}
),

by_period as (
    {{ explode_periods('by_area', 'start_date') }}
),

aggregated as (
    select
        period_grain,
        period_start,
        geo_level,
        geo_code,
        geo_name,
        count(*) as registrations,
        cast(sum(case when affordable then 1 else 0 end) as bigint) as affordable_registrations,
        cast(sum(case when landlord_type = '企业' then 1 else 0 end) as bigint) as enterprise_registrations,
        sum(area_sqm) as area_sqm,
        sum(monthly_rent_yuan) as monthly_rent_yuan,
        sum(monthly_rent_yuan) / nullif(sum(area_sqm), 0) as rent_yuan_per_sqm_month,
        {{ median('rent_yuan_per_sqm_month') }} as median_rent_yuan_per_sqm_month,
        sum(guide_rent_yuan_per_sqm_month * area_sqm)
            / nullif(sum(case when guide_rent_yuan_per_sqm_month is not null then area_sqm end), 0) as guide_rent_yuan_per_sqm_month,
        sum(case when guide_rent_yuan_per_sqm_month is not null then monthly_rent_yuan end)
            / nullif(sum(case when guide_rent_yuan_per_sqm_month is not null then area_sqm end), 0) as guided_rent_yuan_per_sqm_month
    from by_period
    group by period_grain, period_start, geo_level, geo_code, geo_name
),

with_guide as (
    select
        aggregated.*,
        100.0 * (guided_rent_yuan_per_sqm_month / nullif(guide_rent_yuan_per_sqm_month, 0) - 1) as rent_vs_guide_pct
    from aggregated
),

with_changes as (
    {{ period_changes('with_guide', ['geo_level', 'geo_code'],
                      ['registrations', 'area_sqm', 'rent_yuan_per_sqm_month']) }}
)

select
    period_grain,
    period_start,
    geo_level,
    geo_code,
    geo_name,
    registrations,
    affordable_registrations,
    enterprise_registrations,
    area_sqm,
    monthly_rent_yuan,
    rent_yuan_per_sqm_month,
    median_rent_yuan_per_sqm_month,
    guide_rent_yuan_per_sqm_month,
    rent_vs_guide_pct,
    registrations_mom_pct,
    registrations_yoy_pct,
    area_sqm_mom_pct,
    area_sqm_yoy_pct,
    rent_yuan_per_sqm_month_mom_pct,
    rent_yuan_per_sqm_month_yoy_pct
from with_changes
