with

source as (
    {{ committed_rows('ref_plan_targets') }}
),

renamed as (
    select
        indicator_code,
        indicator_name,
        scope,
        cast(target_year as bigint) as target_year,
        cast(target_value as double) as target_value,
        comparator,
        target_unit,
        cast(cumulative as boolean) as cumulative,
        doc_source,
        city_code,
        {{ lineage_columns() }}
    from source
)

select * from renamed
