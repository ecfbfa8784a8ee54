{#
    Construction progress (工程形象进度) per presale permit and month, on a month spine from the
    permit's first milestone or agreement to the latest month of data. A permit's release node is
    the node its least advanced building has reached (key funds are released for the permit as a
    whole); its latest activity is any building reaching any node, so months_since_milestone
    counts months without any progress. Node order, release share and normal gap come from
    policy_escrow_nodes in force in the month judged.
#}

{{ config(materialized='table') }}

with

milestones as (
    {{ latest_version(ref('stg_construction__milestones'), ['permit_id', 'building', 'node']) }}
),

nodes as (
    select * from {{ ref('policy_escrow_nodes') }}
),

agreements as (
    select * from {{ ref('int_escrow__agreements_current') }}
),

ordered as (
    select
        milestones.permit_id,
        max(milestones.project_id) over (partition by milestones.permit_id) as project_id,
        milestones.building,
        milestones.node,
        milestones.reached_date,
        cast({{ dbt.date_trunc('month', 'milestones.reached_date') }} as date) as reached_month,
        node_orders.node_order
    from milestones
    -- a node's place in construction does not change with the schedule's versions (a node
    -- reached before the schedule's first valid_from still counts)
    inner join (select distinct node, node_order from nodes) as node_orders
        on node_orders.node = milestones.node
),

permits as (
    select
        coalesce(agreements.permit_id, ordered.permit_id) as permit_id,
        coalesce(max(agreements.project_id), max(ordered.project_id)) as project_id,
        least(min(agreements.agreement_month), min(ordered.reached_month)) as first_month,
        count(distinct ordered.building) as buildings
    from agreements
    full outer join ordered on ordered.permit_id = agreements.permit_id
    group by 1
),

months as (
    {{ month_spine('(select min(first_month) from permits)', "(select max(period_month) from " ~ ref('int_escrow__statements_current') ~ ")") }}
),

permit_months as (
    select permits.permit_id, permits.project_id, permits.buildings, months.month_start
    from permits
    inner join months on months.month_start >= permits.first_month
),

building_months as (
    -- each building's most advanced node reached by the month's end
    select
        permit_months.permit_id,
        permit_months.month_start,
        ordered.building,
        max(ordered.node_order) as node_order,
        max(ordered.reached_date) as last_reached_date
    from permit_months
    inner join ordered
        on ordered.permit_id = permit_months.permit_id
        and ordered.reached_month <= permit_months.month_start
    group by permit_months.permit_id, permit_months.month_start, ordered.building
),

progress as (
    select
        permit_months.permit_id,
        permit_months.project_id,
        permit_months.month_start,
        permit_months.buildings,
        count(building_months.building) as buildings_started,
        case
            when count(building_months.building) < permit_months.buildings then 0
            else coalesce(min(building_months.node_order), 0)
        end as release_node_order,
        coalesce(max(building_months.node_order), 0) as lead_node_order,
        max(building_months.last_reached_date) as last_milestone_date
    from permit_months
    left join building_months
        on building_months.permit_id = permit_months.permit_id
        and building_months.month_start = permit_months.month_start
    group by permit_months.permit_id, permit_months.project_id, permit_months.month_start, permit_months.buildings
),

final as (
    select
        progress.permit_id,
        progress.project_id,
        progress.month_start,
        progress.buildings,
        progress.buildings_started,
        progress.release_node_order,
        release_node.node as release_node,
        release_node.node_zh as release_node_zh,
        coalesce(release_node.release_cum_pct, 0) as release_allowed_pct,
        progress.lead_node_order,
        lead_node.node as lead_node,
        lead_node.max_months_to_next as lead_node_max_months_to_next,
        progress.last_milestone_date,
        {{ dbt.datediff(dbt.date_trunc('month', 'progress.last_milestone_date'), 'progress.month_start', 'month') }}
            as months_since_milestone,
        completed.node_order is not null and progress.release_node_order >= completed.node_order as is_completed
    from progress
    left join nodes as release_node
        on release_node.node_order = progress.release_node_order
        and progress.month_start >= release_node.valid_from
        and (release_node.valid_to is null or progress.month_start <= release_node.valid_to)
    left join nodes as lead_node
        on lead_node.node_order = progress.lead_node_order
        and progress.month_start >= lead_node.valid_from
        and (lead_node.valid_to is null or progress.month_start <= lead_node.valid_to)
    left join nodes as completed
        on completed.node = '竣工验收'
        and progress.month_start >= completed.valid_from
        and (completed.valid_to is null or progress.month_start <= completed.valid_to)
)

select * from final
