with

source as (
    {{ committed_rows('ref_income_population') }}
),

renamed as (
    select
        district as district_name,
        district_code,
        cast(year as bigint) as year,
        cast(per_capita_income_yuan as double) as per_capita_income_yuan,
        cast(population_10k as double) as population_10k,
        cast(household_size as double) as household_size,
        doc_source,
        city_code,
        {{ lineage_columns() }}
    from source
)

select * from renamed
