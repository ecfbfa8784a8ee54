with

source as (
    select * from {{ source('landing', 'ledger_batch_months') }}
),

renamed as (
    select
        ---------- ids
        data_source,
        batch_id,

        ---------- dates
        cast(period_month as date) as period_month,

        ---------- counts
        cast(records_landed as bigint) as records_landed

    from source
)

select * from renamed
