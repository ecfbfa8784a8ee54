{#
    存量房交易资金监管 — second-hand residential contracts by period × reporting area: how many
    went through escrow (资金监管) and the share of deals (and of their
    value) outside it. Cancelled contracts are excluded. Grain: period_grain + period_start +
    geo_level + geo_code.
#}
with

sales as (
    select * from {{ ref('int_resale__contracts_current') }}
    where is_residential and not is_cancelled
),

by_area as (
    {{ explode_areas('sales') }}
),

by_period as (
    {{ explode_periods('by_area', 'sign_date') }}
),

aggregated as (
    select
        period_grain,
        period_start,
        geo_level,
        geo_code,
        geo_name,
        cast(count(*) as bigint) as contracts,
        cast(count(fund_supervised) as bigint) as contracts_reported,
        cast(count(*) filter (where fund_supervised) as bigint) as contracts_supervised,
        cast(count(*) filter (where not fund_supervised) as bigint) as contracts_outside_escrow,
        sum(total_price_yuan) as amount_yuan,
        sum(total_price_yuan) filter (where not fund_supervised) as amount_outside_escrow_yuan
    from by_period
    group by period_grain, period_start, geo_level, geo_code, geo_name
)

select
    aggregated.*,
    100.0 * contracts_outside_escrow / nullif(contracts_reported, 0) as outside_escrow_share_pct,
    100.0 * coalesce(amount_outside_escrow_yuan, 0) / nullif(amount_yuan, 0) as outside_escrow_amount_share_pct
from aggregated
