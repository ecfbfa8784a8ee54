{#
    The current version of every land parcel transaction (土地出让), one row per parcel_id,
    classified: residential use (住宅 and 商住), outcome (成交 / 流拍 / 终止), floor price
    (楼面价 = deal ÷ buildable area), premium rate (溢价率 = deal ÷ start − 1), whether the deal
    reached the parcel's own price cap (最高限价) and whether the parcel went to lottery (限价摇号).
#}
with

parcels as (
    {{ latest_version(ref('stg_land__parcels'), ['parcel_id']) }}
),

classified as (
    select
        parcels.parcel_id,
        parcels.parcel_name,
        parcels.city_code,
        parcels.district_code,
        parcels.district_name,
        parcels.block_name,
        parcels.land_use,
        parcels.land_use in ('住宅', '商住') as is_residential_use,
        parcels.method,
        parcels.status,
        parcels.status = '成交' as is_sold,
        parcels.status = '流拍' as is_failed,
        parcels.status = '终止' as is_terminated,
        parcels.site_area_sqm,
        parcels.plot_ratio,
        parcels.buildable_area_sqm,
        parcels.start_price_yuan,
        parcels.price_cap_yuan,
        case when parcels.status = '成交' then parcels.deal_price_yuan end as deal_price_yuan,
        case when parcels.status = '成交'
            then parcels.deal_price_yuan / nullif(parcels.buildable_area_sqm, 0) end as floor_price_yuan_per_sqm,
        case when parcels.status = '成交'
            then 100.0 * (parcels.deal_price_yuan / nullif(parcels.start_price_yuan, 0) - 1) end as premium_rate_pct,
        coalesce(parcels.status = '成交' and parcels.deal_price_yuan >= parcels.price_cap_yuan, false) as is_at_price_cap,
        parcels.method = '限价摇号' as is_lottery,
        parcels.winner,
        parcels.deal_date,
        cast({{ dbt.date_trunc('month', 'parcels.deal_date') }} as date) as deal_month,
        parcels.version_count,
        parcels.batch_id
    from parcels
)

select * from classified
