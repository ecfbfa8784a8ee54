{#
    捂盘惜售 watch: one row per project × month from its first presale permit, with the units
    under permits at least min_months_since_permit old, how many of them are sold (current
    contracts, cancellations removed) and the share still unsold, beside its district's months
    of supply and new-home index 同比. A project is judged only in months when its district is
    hot (months of supply under hot_max_months_of_supply and prices rising): holding back
    permitted units then is what the plan calls withheld supply. Parameters: policy_withheld_supply.
#}

with

permits as (
    select * from {{ ref('int_supply__permits_current') }}
    where residential_units > 0
),

sales as (
    select * from {{ ref('int_new_home__contracts_current') }}
    where is_residential and not is_cancelled and permit_id is not null
),

params as (
    select * from {{ ref('policy_withheld_supply') }}
),

supply as (
    select * from {{ ref('int_supply__housing_supply') }}
    where period_grain = 'month' and geo_level = 'district'
),

price_indices as (
    select * from {{ ref('int_price_indices__typed') }}
    where market = 'new_home' and is_headline and band = 'all'
        and period_grain = 'month' and geo_level = 'district'
),

months as (
    {{ month_spine('(select min(issue_month) from permits)', '(select max(sign_month) from sales)') }}
),

sold_by_permit_month as (
    select permit_id, sign_month, count(*) as sold_units
    from sales
    group by permit_id, sign_month
),

permit_months as (
    -- each permit from its issue month on, with its units sold to date
    select
        permits.project_id,
        permits.project_name,
        permits.district_code,
        permits.district_name,
        permits.permit_id,
        permits.issue_month,
        months.month_start,
        permits.residential_units,
        coalesce(sum(sold_by_permit_month.sold_units) over (
            partition by permits.permit_id order by months.month_start
            rows between unbounded preceding and current row
        ), 0) as sold_units_to_date
    from permits
    inner join months on months.month_start >= permits.issue_month
    left join sold_by_permit_month
        on sold_by_permit_month.permit_id = permits.permit_id
        and sold_by_permit_month.sign_month = months.month_start
),

project_months as (
    select
        permit_months.month_start as period_start,
        permit_months.project_id,
        max(permit_months.project_name) as project_name,
        max(permit_months.district_code) as district_code,
        max(permit_months.district_name) as district_name,
        count(*) as aged_permits,
        sum(permit_months.residential_units) as permitted_units,
        sum(least(permit_months.sold_units_to_date, permit_months.residential_units)) as sold_units,
        min(permit_months.issue_month) as first_permit_month,
        max(params.hot_max_months_of_supply) as hot_max_months_of_supply,
        max(params.min_district_price_yoy_pct) as min_district_price_yoy_pct
    from permit_months
    inner join params
        on permit_months.month_start >= params.valid_from
        and (params.valid_to is null or permit_months.month_start <= params.valid_to)
        and permit_months.month_start
            >= {{ dbt.dateadd('month', 'params.min_months_since_permit', 'permit_months.issue_month') }}
    group by permit_months.month_start, permit_months.project_id
)

select
    project_months.period_start,
    project_months.project_id,
    project_months.project_name,
    project_months.district_code,
    project_months.district_name,
    project_months.first_permit_month,
    project_months.aged_permits,
    project_months.permitted_units,
    project_months.sold_units,
    project_months.permitted_units - project_months.sold_units as unsold_units,
    100.0 * (project_months.permitted_units - project_months.sold_units)
        / nullif(project_months.permitted_units, 0) as unsold_share_pct,
    supply.months_of_supply_12m_months as district_months_of_supply,
    price_indices.yoy_index - 100 as district_price_yoy_pct,
    coalesce(
        supply.months_of_supply_12m_months < project_months.hot_max_months_of_supply
        and price_indices.yoy_index - 100 > project_months.min_district_price_yoy_pct,
        false
    ) as is_district_hot
from project_months
left join supply
    on supply.geo_code = project_months.district_code
    and supply.period_start = project_months.period_start
left join price_indices
    on price_indices.geo_code = project_months.district_code
    and price_indices.period_start = project_months.period_start
