{#
    重点房地产企业资金监测 per developer × quarter: the three red-line ratios from the current
    return (三道红线: 剔除预收款后的资产负债率, 净负债率, 现金短债比), which lines are breached
    (policy_red_lines in force at the quarter end), the tier the count gives and its cap on the
    year-on-year growth of interest-bearing debt (policy_red_line_tiers), the previous quarter's
    tier, and the debt growth against the cap.
#}

{{ config(materialized='table') }}

with

returns as (
    {{ latest_version(ref('stg_developer_finance__returns'), ['developer_id', 'period_quarter_end']) }}
),

red_lines as (
    select * from {{ ref('policy_red_lines') }}
),

tiers as (
    select * from {{ ref('policy_red_line_tiers') }}
),

ratios as (
    select
        developer_id,
        developer,
        period_quarter_end,
        cast({{ dbt.date_trunc('quarter', 'period_quarter_end') }} as date) as quarter_start,
        cast({{ dbt.date_trunc('month', 'period_quarter_end') }} as date) as quarter_end_month,
        total_assets_yuan,
        total_liabilities_yuan,
        advance_receipts_yuan,
        equity_yuan,
        cash_yuan,
        short_term_debt_yuan,
        interest_bearing_debt_yuan,
        coalesce(overdue_commercial_paper_yuan, 0) as overdue_commercial_paper_yuan,
        100.0 * (total_liabilities_yuan - advance_receipts_yuan)
            / nullif(total_assets_yuan - advance_receipts_yuan, 0) as liability_ratio_ex_advance_pct,
        100.0 * (interest_bearing_debt_yuan - cash_yuan) / nullif(equity_yuan, 0) as net_gearing_pct,
        cash_yuan / nullif(short_term_debt_yuan, 0) as cash_to_short_debt_ratio,
        batch_id
    from returns
),

judged as (
    -- one row per developer × quarter × line in force
    select
        ratios.developer_id,
        ratios.period_quarter_end,
        red_lines.line,
        case red_lines.ratio
            when 'liability_ratio_ex_advance_pct' then ratios.liability_ratio_ex_advance_pct
            when 'net_gearing_pct' then ratios.net_gearing_pct
            when 'cash_to_short_debt_ratio' then ratios.cash_to_short_debt_ratio
        end as ratio_value,
        red_lines.comparator,
        red_lines.threshold
    from ratios
    inner join red_lines
        on ratios.period_quarter_end >= red_lines.valid_from
        and (red_lines.valid_to is null or ratios.period_quarter_end <= red_lines.valid_to)
),

breaches as (
    select
        developer_id,
        period_quarter_end,
        count(*) as lines_in_force,
        count(ratio_value) as lines_judged,
        sum(case
            when comparator = '>' and ratio_value > threshold then 1
            when comparator = '<' and ratio_value < threshold then 1
            else 0
        end) as lines_breached,
        sum(case when line = 'liability_ratio' and ratio_value > threshold then 1 else 0 end) = 1 as breaches_liability_ratio,
        sum(case when line = 'net_gearing' and ratio_value > threshold then 1 else 0 end) = 1 as breaches_net_gearing,
        sum(case when line = 'cash_short_debt' and ratio_value < threshold then 1 else 0 end) = 1 as breaches_cash_short_debt
    from judged
    group by developer_id, period_quarter_end
),

tiered as (
    select
        ratios.*,
        breaches.lines_breached,
        breaches.breaches_liability_ratio,
        breaches.breaches_net_gearing,
        breaches.breaches_cash_short_debt,
        tiers.tier,
        tiers.tier_zh,
        tiers.debt_growth_cap_pct
    from ratios
    left join breaches
        on breaches.developer_id = ratios.developer_id
        and breaches.period_quarter_end = ratios.period_quarter_end
        and breaches.lines_judged = breaches.lines_in_force
    left join tiers
        on tiers.lines_breached = breaches.lines_breached
        and ratios.period_quarter_end >= tiers.valid_from
        and (tiers.valid_to is null or ratios.period_quarter_end <= tiers.valid_to)
),

final as (
    select
        tiered.*,
        previous.tier as previous_tier,
        previous.lines_breached as previous_lines_breached,
        year_ago.interest_bearing_debt_yuan as interest_bearing_debt_year_ago_yuan,
        100.0 * (tiered.interest_bearing_debt_yuan / nullif(year_ago.interest_bearing_debt_yuan, 0) - 1)
            as debt_growth_yoy_pct,
        100.0 * (tiered.interest_bearing_debt_yuan / nullif(year_ago.interest_bearing_debt_yuan, 0) - 1)
            - tiered.debt_growth_cap_pct as debt_growth_above_cap_pp
    from tiered
    left join tiered as previous
        on previous.developer_id = tiered.developer_id
        and previous.quarter_start = {{ dbt.dateadd('month', -3, 'tiered.quarter_start') }}
    left join tiered as year_ago
        on year_ago.developer_id = tiered.developer_id
        and year_ago.quarter_start = {{ dbt.dateadd('month', -12, 'tiered.quarter_start') }}
)

select * from final
