{#
    Presale supply, sales and saleable stock (可售存量) per month × reporting area, on a month
    spine so months without permits or sales still appear (stock carries over, flows are 0).

    stock at month end = cumulative permitted residential area − cumulative net sold residential
    area (current contract versions, cancelled contracts removed) since the first month of data;
    months of supply (去化周期) = stock ÷ average monthly sold area over the trailing 12 (or 6)
    months, published only once the window is full.

    Stock and months of supply are "not computable" (null, with supply_gap_reason) when no
    presale permit was ever loaded, or when the stock would be negative (sales of units
    permitted before the first permit on file): a bureau that has not delivered its permits
    gets no number rather than a wrong one.
#}
with

permits as (
    select * from {{ ref('int_supply__permits_current') }}
),

sales as (
    select * from {{ ref('int_new_home__contracts_current') }}
    where is_residential and not is_cancelled
),

levels as (
    select * from {{ ref('int_geography__levels') }}
),

permit_data as (
    select count(*) > 0 as has_permits from permits
),

flows as (
    select
        district_code,
        block_name,
        issue_month as month_start,
        1 as permits,
        residential_units as permitted_residential_units,
        residential_area_sqm as permitted_residential_area_sqm,
        0 as sold_units,
        0.0 as sold_area_sqm
    from permits

    union all

    select
        district_code,
        block_name,
        sign_month as month_start,
        0 as permits,
        0 as permitted_residential_units,
        0.0 as permitted_residential_area_sqm,
        1 as sold_units,
        area_sqm as sold_area_sqm
    from sales
),

flows_by_area as (
    {{ explode_areas('flows') }}
),

monthly_flows as (
    select
        geo_level,
        geo_code,
        month_start,
        sum(permits) as permits,
        sum(permitted_residential_units) as permitted_residential_units,
        sum(permitted_residential_area_sqm) as permitted_residential_area_sqm,
        sum(sold_units) as sold_units,
        sum(sold_area_sqm) as sold_area_sqm
    from flows_by_area
    group by geo_level, geo_code, month_start
),

areas as (
    select distinct geo_level, geo_code, geo_name from levels
    union
    select distinct geo_level, geo_code, geo_name from flows_by_area where geo_level = 'block'
),

months as (
    {{ month_spine('(select min(month_start) from flows)', '(select max(month_start) from flows)') }}
),

spine as (
    select months.month_start, areas.geo_level, areas.geo_code, areas.geo_name
    from months
    cross join areas
),

filled as (
    select
        spine.month_start,
        spine.geo_level,
        spine.geo_code,
        spine.geo_name,
        coalesce(monthly_flows.permits, 0) as permits,
        coalesce(monthly_flows.permitted_residential_units, 0) as permitted_residential_units,
        coalesce(monthly_flows.permitted_residential_area_sqm, 0.0) as permitted_residential_area_sqm,
        coalesce(monthly_flows.sold_units, 0) as sold_units,
        coalesce(monthly_flows.sold_area_sqm, 0.0) as sold_area_sqm
    from spine
    left join monthly_flows
        on monthly_flows.geo_level = spine.geo_level
        and monthly_flows.geo_code = spine.geo_code
        and monthly_flows.month_start = spine.month_start
),

running as (
    select
        filled.*,
        sum(permitted_residential_area_sqm - sold_area_sqm) over (
            partition by geo_level, geo_code order by month_start nulls last
            rows between unbounded preceding and current row
        ) as saleable_stock_area_sqm,
        sum(sold_area_sqm) over (
            partition by geo_level, geo_code order by month_start nulls last
            rows between 11 preceding and current row
        ) as sold_area_12m_sqm,
        count(*) over (
            partition by geo_level, geo_code order by month_start nulls last
            rows between 11 preceding and current row
        ) as months_in_12m_window,
        sum(sold_area_sqm) over (
            partition by geo_level, geo_code order by month_start nulls last
            rows between 5 preceding and current row
        ) as sold_area_6m_sqm,
        count(*) over (
            partition by geo_level, geo_code order by month_start nulls last
            rows between 5 preceding and current row
        ) as months_in_6m_window
    from filled
),

with_gaps as (
    select
        running.*,
        case
            when not permit_data.has_permits then 'no_permit_data'
            when running.saleable_stock_area_sqm < 0 then 'negative_stock'
        end as supply_gap_reason
    from running
    cross join permit_data
),

with_supply_months as (
    select
        month_start,
        geo_level,
        geo_code,
        geo_name,
        permits,
        permitted_residential_units,
        permitted_residential_area_sqm,
        sold_units,
        sold_area_sqm,
        supply_gap_reason,
        case when supply_gap_reason is null then saleable_stock_area_sqm end as saleable_stock_area_sqm,
        case when months_in_12m_window = 12 then sold_area_12m_sqm / 12.0 end as avg_monthly_sold_area_12m_sqm,
        case when months_in_6m_window = 6 then sold_area_6m_sqm / 6.0 end as avg_monthly_sold_area_6m_sqm,
        case when months_in_12m_window = 12 and supply_gap_reason is null
            then saleable_stock_area_sqm / nullif(sold_area_12m_sqm / 12.0, 0) end as months_of_supply_12m_months,
        case when months_in_6m_window = 6 and supply_gap_reason is null
            then saleable_stock_area_sqm / nullif(sold_area_6m_sqm / 6.0, 0) end as months_of_supply_6m_months
    from with_gaps
)

select * from with_supply_months
