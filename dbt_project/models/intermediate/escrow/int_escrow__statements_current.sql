{#
    The current version of every escrow-account monthly return, one row per account × month, with
    its deposits (首付款 + 按揭放款 + 一次性付款) and withdrawals summed, and whether the balance
    reconciles (opening + deposits − withdrawals = closing, to the 元).
#}
with

statements as (
    {{ latest_version(ref('stg_escrow__statements'), ['account_no', 'period_month']) }}
),

final as (
    select
        account_no,
        bank_name,
        period_month,
        opening_balance_yuan,
        coalesce(deposit_down_payment_yuan, 0) as deposit_down_payment_yuan,
        coalesce(deposit_mortgage_yuan, 0) as deposit_mortgage_yuan,
        coalesce(deposit_full_payment_yuan, 0) as deposit_full_payment_yuan,
        coalesce(deposit_down_payment_yuan, 0) + coalesce(deposit_mortgage_yuan, 0)
            + coalesce(deposit_full_payment_yuan, 0) as deposits_yuan,
        coalesce(release_key_yuan, 0) as release_key_yuan,
        coalesce(withdrawal_other_yuan, 0) as withdrawal_other_yuan,
        coalesce(refund_yuan, 0) as refund_yuan,
        closing_balance_yuan,
        abs(
            coalesce(opening_balance_yuan, 0) + coalesce(deposit_down_payment_yuan, 0)
            + coalesce(deposit_mortgage_yuan, 0) + coalesce(deposit_full_payment_yuan, 0)
            - coalesce(release_key_yuan, 0) - coalesce(withdrawal_other_yuan, 0)
            - coalesce(refund_yuan, 0) - closing_balance_yuan
        ) < 1 as is_reconciled,
        version_count,
        batch_id
    from statements
)

select * from final
