{#
    Presale-fund and construction signals per project × month for the alerts: a project is as
    bad as its worst permit (a diverted or over-released account is not averaged away by the
    project's sound ones), so each signal carries the value, sample and permit of the worst
    permit that month. Deposits are judged only on permits with at least one prior-three-month
    contract (the alert's min_sample then asks for more); balances only where key funds are
    still required; construction and delivery whether or not the bank reported.
#}

{{ config(materialized='table') }}

with

permit_months as (
    select * from {{ ref('int_escrow__permit_months') }}
),

signals as (
    select
        month_start as period_start,
        project_id,
        max(project_name) as project_name,
        max(district_code) as district_code,
        max(district_name) as district_name,
        min(deposit_ratio_3m_pct) filter (where has_statement and contracts_prior_3m > 0) as deposit_ratio_3m_pct,
        min_by(contracts_prior_3m, deposit_ratio_3m_pct) filter (where has_statement and contracts_prior_3m > 0) as deposit_contracts,
        min_by(permit_id, deposit_ratio_3m_pct) filter (where has_statement and contracts_prior_3m > 0) as deposit_permit_id,
        min(balance_vs_required_pct) filter (where has_statement and required_key_balance_yuan > 0) as balance_vs_required_pct,
        min_by(permit_id, balance_vs_required_pct) filter (where has_statement and required_key_balance_yuan > 0) as balance_permit_id,
        max(release_excess_pct_of_key) filter (where has_statement) as release_excess_pct_of_key,
        max_by(permit_id, release_excess_pct_of_key) filter (where has_statement) as release_permit_id,
        max(construction_months_overdue) as construction_months_overdue,
        max_by(permit_id, construction_months_overdue) as construction_permit_id,
        max(delivery_months_overdue) as delivery_months_overdue,
        max_by(permit_id, delivery_months_overdue) as delivery_permit_id
    from permit_months
    group by month_start, project_id
)

select * from signals
