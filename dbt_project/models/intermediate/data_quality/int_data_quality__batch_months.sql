{#
    What each loaded file (batch) delivered, per period month: the records it landed with that
    period month (every version counts: a file is judged by what it delivered) and the ledger's
    read / quarantined / duplicate counts attributed to the month by its share of the batch's
    landed records. Quarantined rows carry no trustworthy month (a bad date is one reason rows are
    quarantined), so a monthly file's counts go to its month almost whole (its later amendments of
    earlier months take their small shares) and a yearly file's are spread over its months.
    Summed over a batch's months, the attributed counts give back the ledger's counts.
#}
with

new_home as (
    select 'new_home' as data_source, batch_id, period_month from {{ ref('stg_new_home__contracts') }}
),

resale as (
    select 'resale' as data_source, batch_id, period_month from {{ ref('stg_resale__contracts') }}
),

rental as (
    select 'rental' as data_source, batch_id, period_month from {{ ref('stg_rental__registrations') }}
),

credit as (
    select 'credit' as data_source, batch_id, period_month from {{ ref('stg_credit__returns') }}
),

presale as (
    select 'presale' as data_source, batch_id, period_month from {{ ref('stg_presale__permits') }}
),

land as (
    select 'land' as data_source, batch_id, period_month from {{ ref('stg_land__parcels') }}
),

batches as (
    select * from {{ ref('stg_ledger__batches') }}
    where status = 'loaded'
),

landed as (
    select * from new_home
    union all select * from resale
    union all select * from rental
    union all select * from credit
    union all select * from presale
    union all select * from land
),

batch_months as (
    select
        data_source,
        batch_id,
        period_month,
        count(*) as records_landed
    from landed
    where period_month is not null
    group by data_source, batch_id, period_month
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
