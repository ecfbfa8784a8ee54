with

source as (
    {{ committed_rows('escrow_statement') }}
),

renamed as (
    select
        account_no,
        bank_name,
        cast(period_month as date) as period_month,
        cast(opening_balance_yuan as double) as opening_balance_yuan,
        cast(deposit_down_payment_yuan as double) as deposit_down_payment_yuan,
        cast(deposit_mortgage_yuan as double) as deposit_mortgage_yuan,
        cast(deposit_full_payment_yuan as double) as deposit_full_payment_yuan,
        cast(release_key_yuan as double) as release_key_yuan,
        cast(withdrawal_other_yuan as double) as withdrawal_other_yuan,
        cast(refund_yuan as double) as refund_yuan,
        cast(closing_balance_yuan as double) as closing_balance_yuan,
        city_code,
        {{ lineage_columns() }}
    from source
)

select * from renamed
