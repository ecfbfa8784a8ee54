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
        {{ lineage_columns() }}
    from source
)

select * from renamed
