with

source as (
    select * from {{ source('landing', 'ledger_batches') }}
),

renamed as (
    select
        ---------- ids
        batch_id,
        source,
        file_name,
        file as file_path,
        content_hash,

        ---------- categories
        status,                               -- loaded / rejected / failed / loading
        format,
        encoding,
        profile,
        message,

        ---------- counts
        cast(read as bigint)        as rows_read,
        cast(loaded as bigint)      as rows_loaded,
        cast(quarantined as bigint) as rows_quarantined,
        cast(duplicates as bigint)  as rows_duplicate,
        cast(blank_rows as bigint)  as blank_rows,
        reasons                     as quarantine_reasons_json,

        ---------- timestamps
        cast(started_at as timestamp)  as started_at,
        cast(finished_at as timestamp) as finished_at

    from source
)

select * from renamed
