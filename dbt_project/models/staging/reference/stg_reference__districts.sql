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
        {{ lineage_columns() }}
    from source
)

select * from renamed
