with

source as (
    {{ committed_rows('construction') }}
),

renamed as (
    select
        permit_id,
        project_id,
        building,
        node,
        cast(reached_date as date) as reached_date,
        verified_by,
        city_code,
        cast(period_month as date) as period_month,
        {{ lineage_columns() }}
    from source
)

select * from renamed
