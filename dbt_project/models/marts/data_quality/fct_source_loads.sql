{#
    What each data source has delivered, summed over its committed (loaded) batches: files,
    rows read / loaded / quarantined / duplicate, the share of rows read sent to quarantine, and
    the first and last period month its landed records carry (null for sources without one), and
    when its last file was loaded.
#}
with

batches as (
    select * from {{ ref('stg_ledger__batches') }}
    where status = 'loaded' and source is not null
),

batch_months as (
    select * from {{ ref('int_data_quality__batch_months') }}
),

totals as (
    select
        source as data_source,
        count(*) as files,
        sum(rows_read) as rows_read,
        sum(rows_loaded) as rows_loaded,
        sum(rows_quarantined) as rows_quarantined,
        sum(rows_duplicate) as rows_duplicate,
        sum(blank_rows) as blank_rows,
        max(finished_at) as last_loaded_at
    from batches
    group by source
),

months as (
    select
        data_source,
        min(period_month) as first_month,
        max(period_month) as last_month
    from batch_months
    group by data_source
)

select
    cast(totals.data_source as string) as data_source,
    cast(totals.files as bigint) as files,
    cast(totals.rows_read as bigint) as rows_read,
    cast(totals.rows_loaded as bigint) as rows_loaded,
    cast(totals.rows_quarantined as bigint) as rows_quarantined,
    cast(totals.rows_duplicate as bigint) as rows_duplicate,
    cast(totals.blank_rows as bigint) as blank_rows,
    cast(
        case when totals.rows_read > 0 then 100.0 * totals.rows_quarantined / totals.rows_read else 0.0 end
        as double
    ) as quarantine_share_pct,
    cast(months.first_month as date) as first_month,
    cast(months.last_month as date) as last_month,
    cast(totals.last_loaded_at as timestamp) as last_loaded_at
from totals
left join months on months.data_source = totals.data_source
