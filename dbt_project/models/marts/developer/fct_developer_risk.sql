{#
    重点房地产企业风险 — one row per developer × quarter: the three red-line ratios, the lines
    breached, the tier (红橙黄绿档) and its cap on interest-bearing debt growth, the growth against
    the cap and overdue commercial paper (int_developer__quarters); beside them, how many of the
    developer's projects raised a presale-fund or construction alert in the quarter
    (int_alerts__judged, rule family presale_escrow) and its share of the city's unsold
    permitted residential units at the quarter's end. Projects link to the developer through their
    supervision agreements (统一社会信用代码), else through the developer name on the permit.
#}
with

quarters as (
    select * from {{ ref('int_developer__quarters') }}
),

agreements as (
    select distinct permit_id, developer_id from {{ ref('int_escrow__agreements_current') }}
),

permits as (
    select
        permits.permit_id,
        permits.project_id,
        permits.residential_units,
        permits.issue_month,
        coalesce(agreements.developer_id, named.developer_id) as developer_id
    from {{ ref('int_supply__permits_current') }} as permits
    left join agreements on agreements.permit_id = permits.permit_id
    left join (select distinct developer_id, developer from quarters) as named
        on named.developer = permits.developer
    where permits.residential_units > 0
),

sold as (
    select permit_id, sign_month, count(*) as sold_units
    from {{ ref('int_new_home__contracts_current') }}
    where is_residential and not is_cancelled and permit_id is not null
    group by permit_id, sign_month
),

quarter_ends as (
    select distinct quarter_end_month from quarters
),

unsold as (
    -- each permit's unsold residential units at each quarter end
    select
        quarter_ends.quarter_end_month,
        permits.developer_id,
        greatest(permits.residential_units - coalesce(sum(sold.sold_units), 0), 0) as unsold_units
    from quarter_ends
    inner join permits on permits.issue_month <= quarter_ends.quarter_end_month
    left join sold
        on sold.permit_id = permits.permit_id
        and sold.sign_month <= quarter_ends.quarter_end_month
    group by quarter_ends.quarter_end_month, permits.permit_id, permits.developer_id, permits.residential_units
),

unsold_shares as (
    select
        quarter_end_month,
        developer_id,
        sum(unsold_units) as unsold_units,
        100.0 * sum(unsold_units) / nullif(sum(sum(unsold_units)) over (partition by quarter_end_month), 0)
            as unsold_share_of_city_pct
    from unsold
    group by quarter_end_month, developer_id
),

project_developers as (
    select distinct project_id, developer_id from permits where developer_id is not null
),

escrow_alerts as (
    select
        project_developers.developer_id,
        cast({{ dbt.date_trunc('quarter', 'alerts.period_start') }} as date) as quarter_start,
        count(distinct alerts.entity_id) as projects_with_escrow_alerts,
        max(alerts.severity) as escrow_alert_max_severity
    from {{ ref('int_alerts__judged') }} as alerts
    inner join project_developers on project_developers.project_id = alerts.entity_id
    where alerts.rule_family = 'presale_escrow' and alerts.entity_type = 'project'
    group by 1, 2
),

final as (
    select
        'quarter' as period_grain,
        quarters.quarter_start as period_start,
        quarters.period_quarter_end,
        quarters.developer_id,
        quarters.developer,
        quarters.total_assets_yuan,
        quarters.total_liabilities_yuan,
        quarters.advance_receipts_yuan,
        quarters.equity_yuan,
        quarters.cash_yuan,
        quarters.short_term_debt_yuan,
        quarters.interest_bearing_debt_yuan,
        quarters.overdue_commercial_paper_yuan,
        quarters.liability_ratio_ex_advance_pct,
        quarters.net_gearing_pct,
        quarters.cash_to_short_debt_ratio,
        quarters.breaches_liability_ratio,
        quarters.breaches_net_gearing,
        quarters.breaches_cash_short_debt,
        cast(quarters.lines_breached as bigint) as lines_breached,
        quarters.tier,
        quarters.tier_zh,
        quarters.previous_tier,
        quarters.debt_growth_cap_pct,
        quarters.interest_bearing_debt_year_ago_yuan,
        quarters.debt_growth_yoy_pct,
        quarters.debt_growth_above_cap_pp,
        cast(coalesce(escrow_alerts.projects_with_escrow_alerts, 0) as bigint) as projects_with_escrow_alerts,
        cast(escrow_alerts.escrow_alert_max_severity as bigint) as escrow_alert_max_severity,
        cast(coalesce(unsold_shares.unsold_units, 0) as bigint) as unsold_units,
        coalesce(unsold_shares.unsold_share_of_city_pct, 0) as unsold_share_of_city_pct
    from quarters
    left join escrow_alerts
        on escrow_alerts.developer_id = quarters.developer_id
        and escrow_alerts.quarter_start = quarters.quarter_start
    left join unsold_shares
        on unsold_shares.developer_id = quarters.developer_id
        and unsold_shares.quarter_end_month = quarters.quarter_end_month
)

select * from final
