{#
    Price-to-income ratio (房价收入比) per year × reporting area: the new-home price of a typical
    dwelling (90㎡ and 100㎡ × average price) ÷ annual household disposable income (per-capita
    income × household size). Sizes and the default household size live in policy_affordability;
    市区 and 全市 income and household size are population-weighted over their districts.
#}

{{ config(materialized='table') }}

with

sales as (
    select * from {{ ref('int_new_home__sales') }}
    where period_grain = 'year' and band_type = 'all'
),

income as (
    {{ latest_version(ref('stg_reference__income_population'), ['district_code', 'year']) }}
),

levels as (
    select * from {{ ref('int_geography__levels') }}
),

parameters as (
    select
        policy_affordability.*,
        lead(valid_from) over (order by valid_from nulls last) as valid_to
    from {{ ref('policy_affordability') }} as policy_affordability
),

district_income as (
    select
        income.district_code,
        income.year,
        cast(concat(cast(income.year as string), '-01-01') as date) as period_start,
        income.per_capita_income_yuan,
        income.population_10k,
        coalesce(income.household_size, parameters.default_household_size) as household_size
    from income
    inner join parameters
        on cast(concat(cast(income.year as string), '-01-01') as date) >= parameters.valid_from
        and (parameters.valid_to is null
             or cast(concat(cast(income.year as string), '-01-01') as date) < parameters.valid_to)
),

area_income as (
    select
        district_income.period_start,
        levels.geo_level,
        levels.geo_code,
        levels.geo_name,
        count(*) as districts,
        sum(district_income.population_10k) as population_10k,
        case when count(*) = 1 then max(district_income.per_capita_income_yuan)
            else sum(district_income.per_capita_income_yuan * district_income.population_10k)
                / nullif(sum(district_income.population_10k), 0) end as per_capita_income_yuan,
        case when count(*) = 1 then max(district_income.household_size)
            else sum(district_income.household_size * district_income.population_10k)
                / nullif(sum(district_income.population_10k), 0) end as household_size
    from district_income
    inner join levels on levels.district_code = district_income.district_code
    group by district_income.period_start, levels.geo_level, levels.geo_code, levels.geo_name
),

ratios as (
    select
        'year' as period_grain,
        area_income.period_start,
        area_income.geo_level,
        area_income.geo_code,
        area_income.geo_name,
        area_income.population_10k,
        area_income.per_capita_income_yuan,
        area_income.household_size,
        area_income.per_capita_income_yuan * area_income.household_size as household_income_yuan,
        sales.avg_price_yuan_per_sqm as new_home_avg_price_yuan_per_sqm,
        parameters.typical_dwelling_small_sqm,
        parameters.typical_dwelling_large_sqm,
        sales.avg_price_yuan_per_sqm * parameters.typical_dwelling_small_sqm
            / nullif(area_income.per_capita_income_yuan * area_income.household_size, 0) as price_to_income_small_ratio,
        sales.avg_price_yuan_per_sqm * parameters.typical_dwelling_large_sqm
            / nullif(area_income.per_capita_income_yuan * area_income.household_size, 0) as price_to_income_large_ratio
    from area_income
    inner join parameters
        on area_income.period_start >= parameters.valid_from
        and (parameters.valid_to is null or area_income.period_start < parameters.valid_to)
    left join sales
        on sales.period_start = area_income.period_start
        and sales.geo_level = area_income.geo_level
        and sales.geo_code = area_income.geo_code
),

with_changes as (
    {{ period_changes('ratios', ['geo_level', 'geo_code'],
                      ['per_capita_income_yuan', 'new_home_avg_price_yuan_per_sqm', 'price_to_income_small_ratio']) }}
)

select
    period_grain,
    period_start,
    geo_level,
    geo_code,
    geo_name,
    population_10k,
    per_capita_income_yuan,
    household_size,
    household_income_yuan,
    new_home_avg_price_yuan_per_sqm,
    typical_dwelling_small_sqm,
    typical_dwelling_large_sqm,
    price_to_income_small_ratio,
    price_to_income_large_ratio,
    per_capita_income_yuan_yoy_pct,
    new_home_avg_price_yuan_per_sqm_yoy_pct,
    price_to_income_small_ratio_yoy_pct
from with_changes
