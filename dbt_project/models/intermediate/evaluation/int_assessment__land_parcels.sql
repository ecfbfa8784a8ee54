{#
    Residential parcels sold (成交) judged against the land-price cap in force on their deal date:
    the premium-rate cap is the alert threshold of int_assessment__premium_cap_thresholds (a
    district's own row replacing the city-wide one), the same number the alert uses, so there is
    one cap to change. Premium rates are compared as published, to 0.01 pp (a deal at exactly
    1.15 × the start price reads 15.00 although the 万元 amounts leave it a hair over or under).
#}
with

parcels as (
    select * from {{ ref('int_land__parcels') }}
    where status = '成交' and is_residential_use
),

cap_rows as (
    select * from {{ ref('int_assessment__premium_cap_thresholds') }}
),

caps as (
    select
        parcels.parcel_id,
        min(case when cap_rows.district_code is not null then cap_rows.threshold end) as district_cap_pct,
        min(case when cap_rows.district_code is null then cap_rows.threshold end) as city_cap_pct
    from parcels
    inner join cap_rows
        on (cap_rows.district_code is null or cap_rows.district_code = parcels.district_code)
        and parcels.deal_date >= cap_rows.valid_from
        and (cap_rows.valid_to is null or parcels.deal_date <= cap_rows.valid_to)
    group by parcels.parcel_id
),

judged as (
    select
        parcels.parcel_id,
        parcels.district_code,
        parcels.district_name,
        cast(extract(year from parcels.deal_date) as integer) as deal_year,
        parcels.deal_date,
        parcels.method,
        parcels.is_lottery,
        round(parcels.premium_rate_pct, 2) as premium_rate_pct,
        coalesce(caps.district_cap_pct, caps.city_cap_pct) as premium_cap_pct,
        round(100.0 * parcels.deal_price_yuan / nullif(parcels.price_cap_yuan, 0), 2) as deal_to_price_cap_pct
    from parcels
    left join caps on caps.parcel_id = parcels.parcel_id
)

select
    judged.*,
    premium_cap_pct is not null as is_under_cap,
    coalesce(premium_rate_pct > premium_cap_pct, false)
        or coalesce(deal_to_price_cap_pct > 100, false) as is_above_cap,
    not (coalesce(premium_rate_pct > premium_cap_pct, false) or coalesce(deal_to_price_cap_pct > 100, false))
        and (coalesce(premium_rate_pct >= premium_cap_pct, false) or coalesce(deal_to_price_cap_pct >= 100, false)) as is_at_cap
from judged
