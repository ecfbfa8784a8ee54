with

source as (
    {{ committed_rows('stock') }}
),

renamed as (
    select
        ---------- ids
        district as district_name,
        district_code,
        city_code,

        ---------- numerics
        cast(saleable_units as bigint)    as saleable_units,
        cast(saleable_area_sqm as double) as saleable_area_sqm,

        ---------- dates
        cast(period_month as date) as period_month,

        ---------- lineage
        cast(_row as bigint) as source_row,
        _record_hash as record_hash,
        _batch_id as batch_id,
        cast(_loaded_at as timestamp) as loaded_at

    from source
)

select * from renamed
