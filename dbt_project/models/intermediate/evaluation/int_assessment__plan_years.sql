{#
    Plan Table 1 (规划表1) progress as annual assessment items for 市区 (320600U, the plan's scope),
    one row per complete year × Table 1 target in force that year. Cumulative targets are on
    track when the share achieved by the year's end is at least the share of the plan period
    elapsed (2023 of 2021–2025 = 60%); yearly targets when that year's actual meets them.
    Indicators the warehouse does not measure are not assessable, with fct_plan_progress's note.
#}
with

items as (
    select * from {{ ref('assessment_items') }}
    where item_code = 'plan_table1'
),

targets as (
    select * from {{ ref('int_plan__progress') }}
),

measures as (
    select * from {{ ref('policy_plan_indicator_measures') }}
),

years as (
    select distinct cast(extract(year from period_start) as integer) as assessment_year
    from {{ ref('int_price_indices__typed') }}
    where market = 'new_home' and is_headline and band = 'all' and geo_level = 'city'
        and period_grain = 'month' and extract(month from period_start) = 12
),

urban_years as (
    select cast(extract(year from period_start) as integer) as year, 'new_home_sold_area_sqm' as measure_code, area_sqm as measure_value
    from {{ ref('int_new_home__sales') }}
    where period_grain = 'year' and geo_level = 'urban' and band_type = 'all'
    union all
    select cast(extract(year from period_start) as integer) as year, 'new_home_sold_units' as measure_code, cast(units as double) as measure_value
    from {{ ref('int_new_home__sales') }}
    where period_grain = 'year' and geo_level = 'urban' and band_type = 'all'
),

target_years as (
    select
        years.assessment_year,
        items.name_zh as family_name_zh,
        items.name_en as family_name_en,
        items.sort_order,
        targets.*,
        case when targets.is_cumulative
            then 100.0 * (years.assessment_year - targets.from_year + 1) / (targets.target_year - targets.from_year + 1)
        end as elapsed_share_pct
    from targets
    inner join years
        on years.assessment_year between targets.from_year and targets.target_year
        and (targets.is_cumulative or years.assessment_year = targets.target_year)
    inner join items
        on cast(concat(cast(years.assessment_year as string), '-12-31') as date) >= items.valid_from
        and (items.valid_to is null or cast(concat(cast(years.assessment_year as string), '-01-01') as date) <= items.valid_to)
),

cumulative_actuals as (
    select
        target_years.indicator_code,
        target_years.target_year,
        target_years.assessment_year,
        sum(urban_years.measure_value) / nullif(max(measures.actual_divisor), 0) as actual_to_date
    from target_years
    inner join measures on measures.indicator_code = target_years.indicator_code
    inner join urban_years
        on urban_years.measure_code = target_years.measure_code
        and urban_years.year between target_years.from_year and target_years.assessment_year
    where target_years.is_cumulative
    group by target_years.indicator_code, target_years.target_year, target_years.assessment_year
),

judged as (
    select
        target_years.*,
        case when target_years.is_cumulative then cumulative_actuals.actual_to_date
            else target_years.actual_value end as observed,
        case when target_years.is_cumulative
            then target_years.target_value * target_years.elapsed_share_pct / 100.0
            else target_years.target_value end as on_track_value
    from target_years
    left join cumulative_actuals
        on cumulative_actuals.indicator_code = target_years.indicator_code
        and cumulative_actuals.target_year = target_years.target_year
        and cumulative_actuals.assessment_year = target_years.assessment_year
)

select
    assessment_year,
    'urban' as geo_level,
    '320600U' as geo_code,
    scope as geo_name,
    'plan_table1' as item_family,
    concat('plan_', indicator_code, case when is_cumulative then '' else concat('_', cast(target_year as string)) end) as item_code,
    concat(family_name_zh, '：', indicator_name) as item_name_zh,
    concat(family_name_en, ': ', replace(indicator_code, '_', ' ')) as item_name_en,
    sort_order,
    observed as observed_value,
    target_unit as unit,
    on_track_value as target_lower,
    case when comparator = '=' then target_value end as target_upper,
    case
        when not is_measured or observed is null then null
        when comparator = '=' then observed = target_value
        else observed >= on_track_value
    end as passed,
    case
        when not is_measured then concat('平台未计量：', coalesce(note, '无数据来源'))
        when observed is null then '无实际完成数据'
    end as not_assessable_reason_zh,
    case
        when not is_measured then 'not measured by the warehouse (see fct_plan_progress.note)'
        when observed is null then 'no actual yet'
    end as not_assessable_reason_en,
    concat(scope, ' ', indicator_name, '：',
        case when is_cumulative
            then concat(case when from_year < assessment_year then concat(cast(from_year as string), '-') else '' end,
                cast(assessment_year as string), '年累计 ')
            else concat(cast(assessment_year as string), '年 ') end,
        case when observed is null then '无数据' else concat({{ number_text('observed', 2) }}, target_unit) end,
        '，', cast(target_year as string), '年目标 ', comparator, {{ number_text('target_value', 2) }}, target_unit,
        case when is_cumulative then concat('；规划期已过 ', {{ number_text('elapsed_share_pct', 0) }},
            '%，进度线 ', {{ number_text('on_track_value', 2) }}, target_unit,
            case when observed is null then '' else concat('，累计完成 ', {{ number_text('100.0 * observed / nullif(target_value, 0)', 1) }}, '%') end) else '' end,
        case
            when not is_measured or observed is null then '：不可考核'
            when comparator = '=' and observed = target_value then '：达标'
            when comparator <> '=' and observed >= on_track_value then '：达标'
            else '：未达标'
        end) as evidence_zh,
    concat(scope, ' ', replace(indicator_code, '_', ' '), ': ',
        case when is_cumulative
            then concat(case when from_year < assessment_year then concat(cast(from_year as string), '–') else '' end,
                cast(assessment_year as string), ' cumulative ')
            else concat(cast(assessment_year as string), ' ') end,
        case when observed is null then 'no data' else concat({{ number_text('observed', 2) }}, ' ', target_unit) end,
        ', ', cast(target_year as string), ' target ', comparator, ' ', {{ number_text('target_value', 2) }}, ' ', target_unit,
        case when is_cumulative then concat('; ', {{ number_text('elapsed_share_pct', 0) }},
            '% of the plan period elapsed, on-track line ', {{ number_text('on_track_value', 2) }}, ' ', target_unit,
            case when observed is null then '' else concat(', ', {{ number_text('100.0 * observed / nullif(target_value, 0)', 1) }}, '% achieved') end) else '' end,
        case
            when not is_measured or observed is null then ': not assessable'
            when comparator = '=' and observed = target_value then ': on track'
            when comparator <> '=' and observed >= on_track_value then ': on track'
            else ': behind'
        end) as evidence_en,
    'plan_indicator' as evidence_key_type,
    1 as evidence_key_count,
    concat(indicator_code, ':', cast(target_year as string)) as evidence_keys
from judged
