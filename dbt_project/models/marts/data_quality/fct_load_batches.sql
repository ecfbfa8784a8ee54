{#
    The load ledger as analysts may see it: one row per file load attempt, with what it read,
    loaded, quarantined and skipped as duplicates. The absolute path the ledger keeps and the
    content hash stay in staging; a rejection message that quotes the path names the file only.
#}
with

batches as (
    select * from {{ ref('stg_ledger__batches') }}
)

select
    cast(batch_id as string) as batch_id,
    cast(source as string) as data_source,
    cast(file_name as string) as file_name,
    cast(status as string) as status,
    cast(profile as string) as profile,
    cast(format as string) as format,
    cast(encoding as string) as encoding,
    cast(rows_read as bigint) as rows_read,
    cast(rows_loaded as bigint) as rows_loaded,
    cast(rows_quarantined as bigint) as rows_quarantined,
    cast(rows_duplicate as bigint) as rows_duplicate,
    cast(blank_rows as bigint) as blank_rows,
    cast(quarantine_reasons_json as string) as quarantine_reasons_json,
    cast(
        case
            when file_path is null or file_path = '' then message
            else replace(message, file_path, file_name)
        end as string
    ) as message,
    cast(started_at as timestamp) as started_at,
    cast(finished_at as timestamp) as finished_at
from batches
