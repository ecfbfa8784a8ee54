with

source as (
    {{ committed_rows('resale') }}
),

renamed as (
    select
        contract_id,
        unit_id,
        community,
        district as district_name,
        district_code,
        block as block_name,
        usage,
        layout,
        cast(area_sqm as double) as area_sqm,
        cast(total_price_yuan as double) as total_price_yuan,
        cast(unit_price_yuan_per_sqm as double) as unit_price_yuan_per_sqm,
        cast(sign_date as date) as sign_date,
        cast(build_year as bigint) as build_year,
        cast(floor as bigint) as floor,
        cast(total_floors as bigint) as total_floors,
        orientation,
        decoration,
        cast(fund_supervised as boolean) as fund_supervised,
        cast(supervised_amount_yuan as double) as supervised_amount_yuan,
        agency,
        buyer_key,
        seller_key,
        status,
        cast(cancel_date as date) as cancel_date,
        listing_url,
        cast(longitude as double) as longitude,
        cast(latitude as double) as latitude,
        city_code,
        cast(period_month as date) as period_month,
        {{ lineage_columns() }}
    from source
)

select * from renamed
