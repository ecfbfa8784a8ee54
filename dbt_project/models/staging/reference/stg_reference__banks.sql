with

source as (
    {{ committed_rows('ref_banks') }}
),

renamed as (
    select
        institution_id,
        institution_name,
        cast(bank_tier as bigint) as bank_tier,
        bank_category,
        city_code,
        cast(_row as bigint) as source_row,
        _record_hash as record_hash,
        _batch_id as batch_id,
        cast(_loaded_at as timestamp) as loaded_at
    from source
)

select * from renamed
