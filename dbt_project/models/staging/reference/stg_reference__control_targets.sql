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
        {{ lineage_columns() }}
    from source
)

select * from renamed
