with

source as (
    select * from {{ source('landing', 'new_home') }}
    where batch_id <> 'empty'
),

renamed as (
    select
        ---------- ids
        contract_id,
        filing_id,
        unit_id,
        project_id,
        project_name,
        permit_id,
        building,
        room,

        ---------- geography
        city_code,
        district_code,
        district as district_name,
        block as block_name,

        ---------- categories
        usage,
        layout,
        payment_method,
        buyer_hukou,
        home_order,
        status,

        ---------- numerics
        cast(floor as integer) as floor,
        cast(area_sqm as double) as area_sqm,
        cast(total_price_yuan as double) as total_price_yuan,
        cast(unit_price_yuan_per_sqm as double) as unit_price_yuan_per_sqm,
        cast(filed_price_yuan_per_sqm as double) as filed_price_yuan_per_sqm,

        ---------- people (keyed hashes)
        buyer_key,

        ---------- dates
        cast(sign_date as date) as sign_date,
        cast(filing_date as date) as filing_date,
        cast(cancel_date as date) as cancel_date,
        cast(period_month as date) as period_month,

        ---------- lineage
        _batch_id as batch_id,
        _row as source_row,
        _record_hash as record_hash,
        _loaded_at as loaded_at

    from source
)

select * from renamed
