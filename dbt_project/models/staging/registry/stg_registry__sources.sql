with

source as (
    select * from {{ source('landing', 'registry_sources') }}
),

renamed as (
    select
        ---------- ids
        data_source,

        ---------- labels
        name_zh,
        name_en,
        affects_zh,
        affects_en,

        ---------- categories
        expected_cadence,                     -- monthly / irregular

        ---------- validity
        cast(valid_from as date) as valid_from,
        cast(valid_to as date)   as valid_to,
        source

    from source
)

select * from renamed
