with

source as (
    {{ committed_rows('new_home') }}
),

renamed as (
    select
        contract_id,
        filing_id,
        unit_id,
        project_id,
        project_name,
        permit_id,
        building,
        cast(floor as bigint) as floor,
        room,
        district as district_name,
        district_code,
        block as block_name,
        usage,
        layout,
        cast(area_sqm as double) as area_sqm,
        cast(total_price_yuan as double) as total_price_yuan,
        cast(unit_price_yuan_per_sqm as double) as unit_price_yuan_per_sqm,
        cast(filed_price_yuan_per_sqm as double) as filed_price_yuan_per_sqm,
        cast(sign_date as date) as sign_date,
        cast(filing_date as date) as filing_date,
        payment_method,
        buyer_key,
        buyer_hukou,
        home_order,
        status,
        cast(cancel_date as date) as cancel_date,
        city_code,
        cast(period_month as date) as period_month,
        {{ lineage_columns() }}
    from source
)

select * from renamed
