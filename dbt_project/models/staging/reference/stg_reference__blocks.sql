with

source as (
    {{ committed_rows('ref_blocks') }}
),

renamed as (
    select
        block_code,
        block_name,
        district as district_name,
        district_code,
        city_code,
        {{ lineage_columns() }}
    from source
)

select * from renamed
