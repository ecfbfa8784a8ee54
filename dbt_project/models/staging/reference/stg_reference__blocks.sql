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
        cast(_row as bigint) as source_row,
        _record_hash as record_hash,
        _batch_id as batch_id,
        cast(_loaded_at as timestamp) as loaded_at
    from source
)

select * from renamed
