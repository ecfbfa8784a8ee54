with

source as (
    {{ committed_rows('rental') }}
),

renamed as (
    select
        registration_id,
        verification_code,
        unit_id,
        community,
        district as district_name,
        district_code,
        block as block_name,
        rent_type,
        cast(area_sqm as double) as area_sqm,
        cast(monthly_rent_yuan as double) as monthly_rent_yuan,
        cast(deposit_yuan as double) as deposit_yuan,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        landlord_type,
        cast(affordable as boolean) as affordable,
        status,
        tenant_key,
        city_code,
        cast(period_month as date) as period_month,
        {{ lineage_columns() }}
    from source
)

select * from renamed
