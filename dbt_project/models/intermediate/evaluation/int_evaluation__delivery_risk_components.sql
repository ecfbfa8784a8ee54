{#
    保交楼风险 components per project × month × component (policy_delivery_risk_components in
    force): each signal of the project that month (its worst permit's, int_alerts__escrow_projects;
    its developer's red lines at the latest quarter end, int_developer__quarters through the
    supervision agreements) scored linearly from zero_at (0 points) to full_at (the weight).
#}

{{ config(materialized='table') }}

with

projects as (
    select * from {{ ref('int_alerts__escrow_projects') }}
),

components as (
    select * from {{ ref('policy_delivery_risk_components') }}
),

indicators as (
    select indicator, unit_zh, display_decimals from {{ ref('alert_indicators') }}
),

project_developers as (
    select project_id, max(developer_id) as developer_id
    from {{ ref('int_escrow__agreements_current') }}
    group by project_id
),

developer_months as (
    -- each project-month with its developer's latest quarterly return up to that month
    select
        projects.project_id,
        projects.period_start,
        max_by(quarters.lines_breached, quarters.quarter_end_month) as lines_breached
    from projects
    inner join project_developers on project_developers.project_id = projects.project_id
    inner join {{ ref('int_developer__quarters') }} as quarters
        on quarters.developer_id = project_developers.developer_id
        and quarters.quarter_end_month <= projects.period_start
    group by projects.project_id, projects.period_start
),

signals as (
    select
        projects.period_start,
        projects.project_id,
        projects.project_name,
        projects.district_code,
        projects.district_name,
        components.component,
        components.indicator,
        components.label_zh,
        components.weight,
        components.zero_at,
        components.full_at,
        case
            when components.indicator = 'developer_lines_breached'
                then cast(developer_months.lines_breached as double)
            when components.indicator = 'escrow_deposit_ratio_3m_pct'
                and not coalesce(projects.deposit_contracts >= components.min_sample, false)
                then null
            else {{ escrow_signal('components.indicator', 'projects') }}
        end as signal_value
    from projects
    inner join components
        on projects.period_start >= components.valid_from
        and (components.valid_to is null or projects.period_start <= components.valid_to)
    left join developer_months
        on developer_months.project_id = projects.project_id
        and developer_months.period_start = projects.period_start
),

scored as (
    select
        signals.*,
        indicators.unit_zh,
        indicators.display_decimals,
        -- + 0.0 turns the IEEE −0 of (x − x) ÷ (negative span) into 0
        coalesce(
            signals.weight * least(greatest(
                (signals.signal_value - signals.zero_at) / (signals.full_at - signals.zero_at), 0.0), 1.0),
            0.0
        ) + 0.0 as points
    from signals
    left join indicators on indicators.indicator = signals.indicator
)

select * from scored
