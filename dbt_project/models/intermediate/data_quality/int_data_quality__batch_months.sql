{#
    What each loaded file (batch) delivered, per period month: the records it landed with that
    period month (every version counts: a file is judged by what it delivered) and the ledger's
    read / quarantined / duplicate counts attributed to the month by its share of the batch's
    landed records. Quarantined rows carry no trustworthy month (a bad date is one reason rows are
    quarantined), so a monthly file's counts go to its month almost whole (its later amendments of
    earlier months take their small shares) and a yearly file's are spread over its months.
    Summed over a batch's months, the attributed counts give back the ledger's counts.

    The sources are those of the registry (every fact contract): their landed counts per batch ×
    month come exported beside the ledger (stg_registry__batch_months), so no source is named here.
#}
with

batch_months as (
    select * from {{ ref('stg_registry__batch_months') }}
),

batches as (
    select * from {{ ref('stg_ledger__batches') }}
    where status = 'loaded'
),

weighted as (
    select
        batch_months.*,
        cast(batch_months.records_landed as double)
            / sum(batch_months.records_landed) over (partition by batch_months.batch_id) as batch_weight
    from batch_months
),

attributed as (
    select
        weighted.data_source,
        weighted.batch_id,
        batches.file_name,
        weighted.period_month,
        weighted.records_landed,
        weighted.batch_weight,
        batches.rows_read * weighted.batch_weight        as rows_read_attributed,
        batches.rows_quarantined * weighted.batch_weight as rows_quarantined_attributed,
        batches.rows_duplicate * weighted.batch_weight   as rows_duplicate_attributed
    from weighted
    left join batches on batches.batch_id = weighted.batch_id
)

select * from attributed
