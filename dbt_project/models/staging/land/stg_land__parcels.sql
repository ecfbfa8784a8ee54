with

source as (
    {{ committed_rows('land') }}
),

renamed as (
    select
        parcel_id,
        parcel_name,
        district as district_name,
        district_code,
        block as block_name,
        land_use,
        cast(site_area_sqm as double) as site_area_sqm,
        cast(plot_ratio as double) as plot_ratio,
        cast(buildable_area_sqm as double) as buildable_area_sqm,
        cast(start_price_yuan as double) as start_price_yuan,
        cast(price_cap_yuan as double) as price_cap_yuan,
        cast(deal_price_yuan as double) as deal_price_yuan,
        method,
        winner,
        status,
        cast(deal_date as date) as deal_date,
        city_code,
        cast(period_month as date) as period_month,
        {{ lineage_columns() }}
    from source
)

select * from renamed
