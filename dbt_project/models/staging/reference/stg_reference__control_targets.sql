with

source as (
    {{ committed_rows('ref_control_targets') }}
),

renamed as (
    select
        district as district_name,
        district_code,
        cast(year as bigint) as year,
        market,
        cast(target_min_pct as double) as target_min_pct,
        cast(target_max_pct as double) as target_max_pct,
        doc_source,
        cast(valid_from as date) as valid_from,
        city_code,
        cast(_row as bigint) as source_row,
        _record_hash as record_hash,
        _batch_id as batch_id,
        cast(_loaded_at as timestamp) as loaded_at
    from source
)

select * from renamed
