{#
    The bureau's own saleable-stock snapshot (可售存量月报) beside the stock the warehouse derives
    from permits minus sales (int_supply__stock_monthly), and the months of supply each gives over
    the same trailing 12-month average of sold area: an independent check of the permit-derived
    去化周期 in fct_housing_supply. A city or urban-area row sums its districts' snapshots and is
    only filled when every district of the area reported that month.
#}
with

snapshots as (
    {{ latest_version(ref('stg_stock__snapshots'), ['district_code', 'period_month']) }}
),

derived as (
    select * from {{ ref('int_supply__stock_monthly') }}
),

levels as (
    select * from {{ ref('int_geography__levels') }}
),

snapshots_by_area as (
    {{ explode_areas('snapshots', with_blocks=false) }}
),

area_sizes as (
    select geo_level, geo_code, count(distinct district_code) as districts_expected
    from levels
    group by geo_level, geo_code
),

area_snapshots as (
    select
        period_month,
        geo_level,
        geo_code,
        any_value(geo_name) as geo_name,
        count(distinct district_code) as districts_reported,
        sum(saleable_units) as saleable_units,
        sum(saleable_area_sqm) as saleable_area_sqm
    from snapshots_by_area
    group by period_month, geo_level, geo_code
),

complete as (
    select
        area_snapshots.period_month,
        area_snapshots.geo_level,
        area_snapshots.geo_code,
        area_snapshots.geo_name,
        area_snapshots.districts_reported,
        area_sizes.districts_expected,
        area_snapshots.districts_reported = area_sizes.districts_expected as is_complete,
        case when area_snapshots.districts_reported = area_sizes.districts_expected
            then area_snapshots.saleable_units end as snapshot_saleable_units,
        case when area_snapshots.districts_reported = area_sizes.districts_expected
            then area_snapshots.saleable_area_sqm end as snapshot_saleable_area_sqm
    from area_snapshots
    inner join area_sizes
        on area_sizes.geo_level = area_snapshots.geo_level
        and area_sizes.geo_code = area_snapshots.geo_code
),

final as (
    select
        'month' as period_grain,
        complete.period_month as period_start,
        complete.geo_level,
        complete.geo_code,
        complete.geo_name,
        cast(complete.districts_reported as bigint) as districts_reported,
        cast(complete.districts_expected as bigint) as districts_expected,
        cast(complete.snapshot_saleable_units as bigint) as snapshot_saleable_units,
        complete.snapshot_saleable_area_sqm,
        derived.saleable_stock_area_sqm as derived_saleable_stock_area_sqm,
        complete.snapshot_saleable_area_sqm - derived.saleable_stock_area_sqm as stock_area_difference_sqm,
        derived.avg_monthly_sold_area_12m_sqm,
        complete.snapshot_saleable_area_sqm / nullif(derived.avg_monthly_sold_area_12m_sqm, 0) as snapshot_months_of_supply_12m_months,
        derived.months_of_supply_12m_months as derived_months_of_supply_12m_months,
        complete.snapshot_saleable_area_sqm / nullif(derived.avg_monthly_sold_area_12m_sqm, 0)
            - derived.months_of_supply_12m_months as months_of_supply_difference_months
    from complete
    left join derived
        on derived.geo_level = complete.geo_level
        and derived.geo_code = complete.geo_code
        and derived.month_start = complete.period_month
)

select * from final
