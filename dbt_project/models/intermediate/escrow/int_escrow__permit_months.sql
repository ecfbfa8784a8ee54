{#
    预售资金监管 per presale permit × month, from the month its supervision agreement was signed
    to the latest month any escrow return reports. Beside the bank's return for the permit's
    account: the contract amount its buyers signed (new-home contracts on the permit, cancelled
    ones included: their money came in and goes out again as a refund; contracts signed once the
    permit is delivered are 现房 sales outside supervision and are not due), the construction node
    reached and what the release schedule allows.

    收存率 (deposit_ratio_3m_pct) is judged on the contracts of the three months before this one,
    whose money has all arrived by now: 首付款 and 一次性付款 arrive in the month of signing, 按揭放款
    the month after, so (down + full payments of months m-3..m-1 + mortgage loans of months
    m-2..m) ÷ contracts of months m-3..m-1. A sound account gives about 100 % whatever its sales
    rhythm; buyers paying elsewhere pull it down month by month. Key funds
    held are the first deposits up to the key supervised amount; the balance must cover them less
    what the release schedule allows (required_key_balance_yuan).
#}

{{ config(materialized='table') }}

with

agreements as (
    select * from (
        select
            agreements.*,
            row_number() over (partition by permit_id order by agreement_date desc, agreement_id desc) as agreement_rank
        from {{ ref('int_escrow__agreements_current') }} as agreements
    ) as ranked
    where agreement_rank = 1
),

statements as (
    select * from {{ ref('int_escrow__statements_current') }}
),

progress as (
    select * from {{ ref('int_construction__permit_progress') }}
),

contracts as (
    select
        permit_id,
        sign_month,
        count(*) as contracts_signed,
        sum(total_price_yuan) as contract_amount_yuan
    from {{ ref('int_new_home__contracts_current') }}
    where permit_id is not null
    group by permit_id, sign_month
),

months as (
    {{ month_spine('(select min(agreement_month) from agreements)', '(select max(period_month) from statements)') }}
),

spine as (
    select agreements.*, months.month_start
    from agreements
    inner join months on months.month_start >= agreements.agreement_month
),

monthly as (
    select
        spine.permit_id,
        spine.project_id,
        spine.project_name,
        spine.developer,
        spine.developer_id,
        spine.district_code,
        spine.district_name,
        spine.agreement_id,
        spine.bank_name,
        spine.account_no,
        spine.key_amount_yuan,
        spine.promised_delivery_date,
        spine.month_start,
        statements.account_no is not null as has_statement,
        coalesce(contracts.contracts_signed, 0) as contracts_signed,
        coalesce(contracts.contract_amount_yuan, 0) as contract_amount_yuan,
        -- after 交付 (all key funds releasable) the permit's units sell as 现房, outside supervision
        case
            when coalesce(progress.release_allowed_pct, 0) < 100 then coalesce(contracts.contracts_signed, 0)
            else 0
        end as contracts_due,
        case
            when coalesce(progress.release_allowed_pct, 0) < 100 then coalesce(contracts.contract_amount_yuan, 0)
            else 0
        end as contract_amount_due_yuan,
        coalesce(statements.deposits_yuan, 0) as deposits_yuan,
        coalesce(statements.deposit_down_payment_yuan, 0) + coalesce(statements.deposit_full_payment_yuan, 0)
            as deposits_at_signing_yuan,
        coalesce(statements.deposit_mortgage_yuan, 0) as deposits_mortgage_yuan,
        coalesce(statements.release_key_yuan, 0) as release_key_yuan,
        coalesce(statements.withdrawal_other_yuan, 0) as withdrawal_other_yuan,
        coalesce(statements.refund_yuan, 0) as refund_yuan,
        statements.closing_balance_yuan,
        statements.is_reconciled,
        progress.release_node,
        progress.release_node_zh,
        coalesce(progress.release_node_order, 0) as release_node_order,
        coalesce(progress.lead_node_order, 0) as lead_node_order,
        coalesce(progress.release_allowed_pct, 0) as release_allowed_pct,
        progress.lead_node,
        progress.lead_node_max_months_to_next,
        progress.last_milestone_date,
        progress.months_since_milestone,
        coalesce(progress.is_completed, false) as is_completed
    from spine
    left join statements
        on statements.account_no = spine.account_no
        and statements.period_month = spine.month_start
    left join contracts
        on contracts.permit_id = spine.permit_id
        and contracts.sign_month = spine.month_start
    left join progress
        on progress.permit_id = spine.permit_id
        and progress.month_start = spine.month_start
),

running as (
    select
        monthly.*,
        sum(deposits_yuan) over w_to_date as deposits_to_date_yuan,
        sum(refund_yuan) over w_to_date as refunds_to_date_yuan,
        sum(release_key_yuan) over w_to_date as releases_to_date_yuan,
        sum(contract_amount_due_yuan) over w_to_date as contract_amount_to_date_yuan,
        coalesce(sum(deposits_at_signing_yuan) over (w_permit rows between 3 preceding and 1 preceding), 0)
            + sum(deposits_mortgage_yuan) over (w_permit rows between 2 preceding and current row)
            as deposits_3m_yuan,
        sum(contract_amount_due_yuan) over (w_permit rows between 3 preceding and 1 preceding) as contract_amount_prior_3m_yuan,
        sum(contracts_due) over (w_permit rows between 3 preceding and 1 preceding) as contracts_prior_3m,
        sum(contracts_signed) over (w_permit rows between 2 preceding and current row) as contracts_3m
    from monthly
    window
        w_permit as (partition by permit_id order by month_start),
        w_to_date as (partition by permit_id order by month_start rows between unbounded preceding and current row)
),

final as (
    select
        running.*,
        100.0 * deposits_3m_yuan / nullif(contract_amount_prior_3m_yuan, 0) as deposit_ratio_3m_pct,
        100.0 * deposits_to_date_yuan / nullif(contract_amount_to_date_yuan, 0) as deposit_ratio_to_date_pct,
        least(key_amount_yuan, greatest(deposits_to_date_yuan - refunds_to_date_yuan, 0)) as key_funds_held_yuan,
        key_amount_yuan * release_allowed_pct / 100.0 as release_allowed_yuan,
        greatest(
            least(key_amount_yuan, greatest(deposits_to_date_yuan - refunds_to_date_yuan, 0))
            - key_amount_yuan * release_allowed_pct / 100.0,
            0
        ) as required_key_balance_yuan,
        releases_to_date_yuan - key_amount_yuan * release_allowed_pct / 100.0 as release_excess_yuan,
        100.0 * (releases_to_date_yuan - key_amount_yuan * release_allowed_pct / 100.0)
            / nullif(key_amount_yuan, 0) as release_excess_pct_of_key,
        contracts_3m > 0 as is_selling,
        case
            when not is_completed and contracts_3m > 0
                then months_since_milestone - lead_node_max_months_to_next
        end as construction_months_overdue,
        case
            when not is_completed and promised_delivery_date < month_start
                then {{ dbt.datediff(dbt.date_trunc('month', 'promised_delivery_date'), 'month_start', 'month') }}
        end as delivery_months_overdue
    from running
)

select
    final.*,
    100.0 * closing_balance_yuan / nullif(required_key_balance_yuan, 0) as balance_vs_required_pct
from final
-- a completed permit drops out once its account stops reporting (closed after 交付)
where has_statement or not is_completed
