with

source as (
    {{ committed_rows('ref_rental_guide_prices') }}
),

renamed as (
    select
        district as district_name,
        district_code,
        block as block_name,
        cast(year as bigint) as year,
        cast(guide_rent_yuan_per_sqm_month as double) as guide_rent_yuan_per_sqm_month,
        doc_source,
        cast(valid_from as date) as valid_from,
        city_code,
        {{ lineage_columns() }}
    from source
)

select * from renamed
