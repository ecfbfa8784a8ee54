{#
    New-home sales per project and period, ranked within the city and within the district: the
    top-projects tables of the monthly brief. Cancelled contracts are excluded.
#}
with

sales as (
    select * from {{ ref('int_new_home__contracts_current') }}
    where is_residential and not is_cancelled
),

by_period as (
    {{ explode_periods('sales', 'sign_date') }}
),

projects as (
    select
        period_grain,
        period_start,
        project_id,
        max(project_name) as project_name,
        max(district_code) as district_code,
        max(district_name) as district_name,
        max(block_name) as block_name,
        count(*) as units,
        sum(area_sqm) as area_sqm,
        sum(total_price_yuan) as amount_yuan,
        sum(total_price_yuan) / nullif(sum(area_sqm), 0) as avg_price_yuan_per_sqm,
        max(filed_price_yuan_per_sqm) as max_filed_price_yuan_per_sqm
    from by_period
    group by period_grain, period_start, project_id
)

-- ranked on area to the 0.01 ㎡ the contracts carry: a parallel sum of doubles differs in its
-- last bits from run to run, and two projects of equal area must not swap places between builds
select
    projects.*,
    row_number() over (
        partition by period_grain, period_start order by round(area_sqm, 2) desc, project_id asc
    ) as city_rank_by_area,
    row_number() over (
        partition by period_grain, period_start, district_code
        order by round(area_sqm, 2) desc, project_id asc
    ) as district_rank_by_area
from projects
