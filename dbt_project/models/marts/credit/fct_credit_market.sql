{#
    City credit per period: loan balances and concentration at the period's last month, new
    mortgages and provident-fund (公积金) flows summed over the period, mortgage rate weighted by
    new mortgage amount and down-payment ratio weighted by new mortgage count.
#}
with

returns as (
    select * from {{ ref('int_credit__returns_current') }}
),

city_monthly as (
    select
        period_month,
        city_code,
        cast(sum(case when not is_provident_fund then 1 else 0 end) as bigint) as banks_reporting,
        cast(sum(case when is_above_cap then 1 else 0 end) as bigint) as banks_above_cap,
        sum(case when not is_provident_fund then total_loans_yuan end) as total_loans_yuan,
        sum(case when not is_provident_fund then re_loans_yuan end) as re_loans_yuan,
        sum(case when not is_provident_fund then personal_housing_loans_yuan end) as personal_housing_loans_yuan,
        sum(case when not is_provident_fund then new_mortgage_yuan end) as new_mortgage_yuan,
        sum(case when not is_provident_fund then new_mortgage_count end) as new_mortgage_count,
        sum(case when not is_provident_fund then avg_mortgage_rate_pct * new_mortgage_yuan end) as rate_weighted_amount,
        sum(case when not is_provident_fund and avg_mortgage_rate_pct is not null then new_mortgage_yuan end) as rated_amount_yuan,
        sum(case when not is_provident_fund then first_home_down_payment_pct * new_mortgage_count end) as down_payment_weighted_count,
        sum(case when not is_provident_fund and first_home_down_payment_pct is not null then new_mortgage_count end) as down_payment_count,
        sum(pf_contributions_yuan) as pf_contributions_yuan,
        sum(pf_withdrawals_yuan) as pf_withdrawals_yuan,
        sum(pf_loans_yuan) as pf_loans_yuan
    from returns
    group by period_month, city_code
),

by_period as (
    {{ explode_periods('city_monthly', 'period_month') }}
),

period_ends as (
    select period_grain, period_start, city_code, max(period_month) as end_month
    from by_period
    group by period_grain, period_start, city_code
),

aggregated as (
    select
        by_period.period_grain,
        by_period.period_start,
        'city' as geo_level,
        by_period.city_code as geo_code,
        '全市' as geo_name,
        max(period_ends.end_month) as balance_month,
        max(case when by_period.period_month = period_ends.end_month then by_period.banks_reporting end) as banks_reporting,
        max(case when by_period.period_month = period_ends.end_month then by_period.banks_above_cap end) as banks_above_cap,
        max(case when by_period.period_month = period_ends.end_month then by_period.total_loans_yuan end) as total_loans_yuan,
        max(case when by_period.period_month = period_ends.end_month then by_period.re_loans_yuan end) as re_loans_yuan,
        max(case when by_period.period_month = period_ends.end_month then by_period.personal_housing_loans_yuan end) as personal_housing_loans_yuan,
        sum(by_period.new_mortgage_yuan) as new_mortgage_yuan,
        cast(sum(by_period.new_mortgage_count) as bigint) as new_mortgage_count,
        sum(by_period.rate_weighted_amount) / nullif(sum(by_period.rated_amount_yuan), 0) as avg_mortgage_rate_pct,
        sum(by_period.down_payment_weighted_count) / nullif(sum(by_period.down_payment_count), 0) as first_home_down_payment_pct,
        sum(by_period.pf_contributions_yuan) as pf_contributions_yuan,
        sum(by_period.pf_withdrawals_yuan) as pf_withdrawals_yuan,
        sum(by_period.pf_loans_yuan) as pf_loans_yuan
    from by_period
    inner join period_ends
        on period_ends.period_grain = by_period.period_grain
        and period_ends.period_start = by_period.period_start
        and period_ends.city_code = by_period.city_code
    group by by_period.period_grain, by_period.period_start, by_period.city_code
),

with_shares as (
    select
        aggregated.*,
        100.0 * re_loans_yuan / nullif(total_loans_yuan, 0) as re_loan_share_pct,
        100.0 * personal_housing_loans_yuan / nullif(total_loans_yuan, 0) as personal_housing_share_pct
    from aggregated
),

with_changes as (
    {{ period_changes('with_shares', ['geo_level', 'geo_code'],
                      ['new_mortgage_yuan', 'new_mortgage_count', 're_loans_yuan', 'pf_loans_yuan']) }}
)

select
    period_grain,
    period_start,
    geo_level,
    geo_code,
    geo_name,
    balance_month,
    banks_reporting,
    banks_above_cap,
    total_loans_yuan,
    re_loans_yuan,
    personal_housing_loans_yuan,
    re_loan_share_pct,
    personal_housing_share_pct,
    new_mortgage_yuan,
    new_mortgage_count,
    avg_mortgage_rate_pct,
    first_home_down_payment_pct,
    pf_contributions_yuan,
    pf_withdrawals_yuan,
    pf_loans_yuan,
    new_mortgage_yuan_mom_pct,
    new_mortgage_yuan_yoy_pct,
    new_mortgage_count_mom_pct,
    new_mortgage_count_yoy_pct,
    re_loans_yuan_mom_pct,
    re_loans_yuan_yoy_pct,
    pf_loans_yuan_mom_pct,
    pf_loans_yuan_yoy_pct
from with_changes
