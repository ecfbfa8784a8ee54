with

source as (
    {{ committed_rows('ref_districts') }}
),

renamed as (
    select
        district_code,
        district_name,
        current_code,
        cast(is_urban as boolean) as is_urban,
        cast(is_admin as boolean) as is_admin,
        cast(valid_to as date) as valid_to,
        note,
        city_code,
        cast(_row as bigint) as source_row,
        _record_hash as record_hash,
        _batch_id as batch_id,
        cast(_loaded_at as timestamp) as loaded_at
    from source
)

select * from renamed
