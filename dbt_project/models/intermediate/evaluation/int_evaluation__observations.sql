{#
    What the quarterly evaluation scores: one row per complete quarter × district × indicator in
    force (evaluation_indicators), with the observed value read from the intermediate model
    behind a published mart, the district's control band where the indicator is judged against
    it, and the sample behind the value. Every district × quarter × indicator is present: a
    missing value stays a row with a null observed_value, so the marts can show it rather than
    skip it.
#}
with

indicators as (
    select * from {{ ref('evaluation_indicators') }}
),

districts as (
    select district_code, district_name from {{ ref('int_geography__districts') }}
),

quarters as (
    -- complete quarters: the headline index publishes a quarter only when all its months exist
    select distinct period_start as period_quarter
    from {{ ref('int_price_indices__typed') }}
    where market = 'new_home' and is_headline and band = 'all'
        and geo_level = 'city' and period_grain = 'quarter'
),

price_indices as (
    select * from {{ ref('int_price_indices__typed') }}
    where is_headline and band = 'all' and geo_level = 'district' and period_grain = 'quarter'
),

control_targets as (
    select * from {{ ref('int_reference__control_targets_current') }}
),

supply as (
    select * from {{ ref('int_supply__housing_supply') }}
    where period_grain = 'quarter' and geo_level = 'district'
),

sales as (
    select * from {{ ref('int_new_home__sales') }}
    where period_grain = 'quarter' and geo_level = 'district' and band_type = 'all'
),

land as (
    select * from {{ ref('int_land__market') }}
    where period_grain = 'quarter' and geo_level = 'district' and use_group = 'residential'
),

alerts as (
    select
        {{ period_start('quarter', 'period_start') }} as period_quarter,
        district_code,
        count(*) as alerts
    from {{ ref('int_alerts__judged') }}
    where level in ('red', 'orange') and district_code is not null
    group by 1, 2
),

price_values as (
    -- 同比 of the quarter against the district's control band for the quarter's year
    select
        case price_indices.market
            when 'new_home' then 'new_home_yoy_vs_control'
            else 'resale_yoy_vs_control'
        end as indicator_code,
        price_indices.period_start as period_quarter,
        price_indices.geo_code as district_code,
        price_indices.yoy_index - 100 as observed_value,
        control_targets.target_min_pct,
        control_targets.target_max_pct,
        cast(price_indices.n as double) as sample_size
    from price_indices
    left join control_targets
        on control_targets.district_code = price_indices.geo_code
        and control_targets.target_year = extract(year from price_indices.period_start)
        and control_targets.market = case price_indices.market
            when 'new_home' then '新建商品住宅' else '二手住宅' end
    where price_indices.market in ('new_home', 'resale')

    union all

    select
        'new_home_qoq_momentum' as indicator_code,
        period_start as period_quarter,
        geo_code as district_code,
        mom_index - 100 as observed_value,
        cast(null as double) as target_min_pct,
        cast(null as double) as target_max_pct,
        cast(n as double) as sample_size
    from price_indices
    where market = 'new_home'
),

other_values as (
    select
        'months_of_supply' as indicator_code,
        period_start as period_quarter,
        geo_code as district_code,
        months_of_supply_12m_months as observed_value,
        cast(sold_units as double) as sample_size
    from supply

    union all

    select
        'new_home_volume_yoy' as indicator_code,
        period_start as period_quarter,
        geo_code as district_code,
        units_yoy_pct as observed_value,
        cast(units as double) as sample_size
    from sales

    union all

    select
        'land_premium_rate' as indicator_code,
        period_start as period_quarter,
        geo_code as district_code,
        premium_rate_pct as observed_value,
        cast(parcels_sold as double) as sample_size
    from land

    union all

    -- no alert in a complete quarter is an observation of zero, not a gap
    select
        'red_orange_alerts' as indicator_code,
        quarters.period_quarter,
        districts.district_code,
        cast(coalesce(alerts.alerts, 0) as double) as observed_value,
        cast(coalesce(alerts.alerts, 0) as double) as sample_size
    from quarters
    cross join districts
    left join alerts
        on alerts.period_quarter = quarters.period_quarter
        and alerts.district_code = districts.district_code
),

observed as (
    select * from price_values

    union all

    select
        indicator_code,
        period_quarter,
        district_code,
        observed_value,
        cast(null as double) as target_min_pct,
        cast(null as double) as target_max_pct,
        sample_size
    from other_values
),

grid as (
    select
        quarters.period_quarter,
        districts.district_code,
        districts.district_name,
        indicators.indicator_code,
        indicators.weight,
        indicators.sort_order
    from quarters
    cross join districts
    inner join indicators
        on quarters.period_quarter >= indicators.valid_from
        and (indicators.valid_to is null or quarters.period_quarter <= indicators.valid_to)
)

select
    grid.period_quarter,
    grid.district_code,
    grid.district_name,
    grid.indicator_code,
    grid.weight,
    grid.sort_order,
    observed.observed_value,
    observed.target_min_pct,
    observed.target_max_pct,
    observed.sample_size
from grid
left join observed
    on observed.indicator_code = grid.indicator_code
    and observed.period_quarter = grid.period_quarter
    and observed.district_code = grid.district_code
