with

source as (
    {{ committed_rows('presale') }}
),

renamed as (
    select
        permit_id,
        project_id,
        project_name,
        developer,
        district as district_name,
        district_code,
        block as block_name,
        buildings,
        cast(units as bigint) as units,
        cast(residential_units as bigint) as residential_units,
        cast(area_sqm as double) as area_sqm,
        cast(residential_area_sqm as double) as residential_area_sqm,
        cast(issue_date as date) as issue_date,
        cast(filed_avg_price_yuan_per_sqm as double) as filed_avg_price_yuan_per_sqm,
        city_code,
        cast(period_month as date) as period_month,
        {{ lineage_columns() }}
    from source
)

select * from renamed
