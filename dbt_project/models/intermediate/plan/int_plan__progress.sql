{#
    Progress against the housing plan's Table 1 targets (十四五住房发展规划 表1), one row per target.
    Indicators the warehouse measures (policy_plan_indicator_measures) get their actual in the
    target's unit: cumulative targets sum from the plan's first year to the target year,
    yearly targets take that year; the others keep a null actual and the seed's note.
#}

{{ config(materialized='table') }}

with

targets as (
    {{ latest_version(ref('stg_reference__plan_targets'), ['indicator_code', 'target_year']) }}
),

measures as (
    select * from {{ ref('policy_plan_indicator_measures') }}
),

urban_years as (
    select
        cast(extract(year from period_start) as bigint) as year,
        units,
        area_sqm
    from {{ ref('int_new_home__sales') }}
    where period_grain = 'year' and geo_level = 'urban' and band_type = 'all'
),

data_end as (
    select max(period_start) as last_month
    from {{ ref('int_new_home__sales') }}
    where period_grain = 'month'
),

yearly_measures as (
    select year, 'new_home_sold_area_sqm' as measure_code, area_sqm as measure_value from urban_years
    union all
    select year, 'new_home_sold_units' as measure_code, cast(units as double) as measure_value from urban_years
),

matched as (
    select
        targets.indicator_code,
        targets.indicator_name,
        targets.scope,
        targets.target_year,
        targets.comparator,
        targets.target_value,
        targets.target_unit,
        targets.cumulative as is_cumulative,
        targets.doc_source,
        measures.measure_code,
        measures.plan_start_year,
        measures.actual_divisor,
        measures.note_zh,
        case when targets.cumulative then measures.plan_start_year else targets.target_year end as from_year
    from targets
    left join measures on measures.indicator_code = targets.indicator_code
),

actuals as (
    select
        matched.indicator_code,
        matched.target_year,
        sum(yearly_measures.measure_value) as measure_total,
        max(yearly_measures.year) as last_year_with_data
    from matched
    inner join yearly_measures
        on yearly_measures.measure_code = matched.measure_code
        and yearly_measures.year between matched.from_year and matched.target_year
    group by matched.indicator_code, matched.target_year
)

select
    matched.indicator_code,
    matched.indicator_name,
    matched.scope,
    matched.target_year,
    matched.from_year,
    matched.is_cumulative,
    matched.comparator,
    matched.target_value,
    matched.target_unit,
    matched.measure_code is not null as is_measured,
    matched.measure_code,
    actuals.measure_total / nullif(matched.actual_divisor, 0) as actual_value,
    100.0 * (actuals.measure_total / nullif(matched.actual_divisor, 0)) / nullif(matched.target_value, 0) as share_achieved_pct,
    case when actuals.measure_total is not null then
        case when data_end.last_month < cast(concat(cast(matched.target_year as string), '-12-01') as date)
            then data_end.last_month
            else cast(concat(cast(matched.target_year as string), '-12-01') as date) end
    end as actual_through_month,
    matched.note_zh as note,
    matched.doc_source
from matched
left join actuals
    on actuals.indicator_code = matched.indicator_code
    and actuals.target_year = matched.target_year
cross join data_end
