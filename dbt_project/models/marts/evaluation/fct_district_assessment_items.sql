{#
    年度考核明细: one row per complete year × area × item (assessment_items). Districts: the
    new-home and second-hand index against the year's control band (December 同比, 3-month
    moving: the change over the assessment year, smoothed for thin districts), land-price cap
    compliance (int_assessment__land_parcels) and supply matched to demand (December months of
    supply in the hold band, a proxy: the plan's supply targets exist for 市区 only). 市区
    (320600U): one item per Table 1 target of the plan in force that year (fct_plan_progress).
    passed is null when the item cannot be assessed, with the reason.
#}
{%- set flagged_label_zh -%}
    case when is_above_cap or is_at_cap or is_lottery then concat(
        parcel_id, ' ', method, ' 溢价率', {{ number_text('premium_rate_pct', 2) }}, '%',
        case when is_above_cap then '（超上限）' when is_lottery then '（限价摇号）' else '（触及上限）' end) end
{%- endset %}

with

items as (
    select * from {{ ref('assessment_items') }}
),

districts as (
    select district_code, district_name from {{ ref('int_geography__districts') }}
),

years as (
    -- complete years: the headline index has their December
    select distinct cast(extract(year from period_start) as integer) as assessment_year
    from {{ ref('int_price_indices__typed') }}
    where market = 'new_home' and is_headline and band = 'all' and geo_level = 'city'
        and period_grain = 'month' and extract(month from period_start) = 12
),

district_items as (
    select years.assessment_year, districts.district_code, districts.district_name, items.*
    from years
    cross join districts
    inner join items
        on items.geo_level = 'district'
        and cast(concat(cast(years.assessment_year as string), '-12-31') as date) >= items.valid_from
        and (items.valid_to is null or cast(concat(cast(years.assessment_year as string), '-01-01') as date) <= items.valid_to)
),

december_indices as (
    select
        case market when 'new_home' then 'new_home_index_control' else 'resale_index_control' end as item_code,
        case market when 'new_home' then '新建商品住宅' else '二手住宅' end as target_market,
        geo_code as district_code,
        cast(extract(year from period_start) as integer) as assessment_year,
        yoy_index_3m - 100 as yoy_pct
    from {{ ref('int_price_indices__typed') }}
    where market in ('new_home', 'resale') and is_headline and band = 'all'
        and geo_level = 'district' and period_grain = 'month' and extract(month from period_start) = 12
),

index_items as (
    select
        district_items.*,
        december_indices.yoy_pct as observed_value,
        control_targets.target_min_pct as target_lower,
        control_targets.target_max_pct as target_upper,
        case
            when december_indices.yoy_pct is null then 'no_yoy'
            when control_targets.target_max_pct is null then 'no_target'
        end as reason_code
    from district_items
    left join december_indices
        on december_indices.item_code = district_items.item_code
        and december_indices.district_code = district_items.district_code
        and december_indices.assessment_year = district_items.assessment_year
    left join {{ ref('int_reference__control_targets_current') }} as control_targets
        on control_targets.district_code = district_items.district_code
        and control_targets.target_year = district_items.assessment_year
        and control_targets.market = case district_items.item_code
            when 'new_home_index_control' then '新建商品住宅' else '二手住宅' end
    where district_items.item_code in ('new_home_index_control', 'resale_index_control')
),

index_rows as (
    select
        assessment_year, 'district' as geo_level, district_code as geo_code, district_name as geo_name,
        item_code as item_family, item_code, name_zh as item_name_zh, name_en as item_name_en, sort_order,
        observed_value, '%' as unit, target_lower, target_upper,
        case when reason_code is null then observed_value between target_lower and target_upper end as passed,
        case reason_code when 'no_yoy' then '无12月同比（序列首年）' when 'no_target' then '当年无调控目标' end as not_assessable_reason_zh,
        case reason_code when 'no_yoy' then 'no December YoY (first year of the series)' when 'no_target' then 'no control target for the year' end as not_assessable_reason_en,
        concat(district_name, ' ', cast(assessment_year as string), '年12月 ',
            case item_code when 'new_home_index_control' then '新建商品住宅' else '二手住宅' end,
            '价格指数同比（3个月移动） ',
            case when observed_value is null then '无数据' else concat({{ number_text('observed_value', 1) }}, '%') end,
            '，调控目标 ',
            case when target_upper is null then '无' else concat({{ number_text('target_lower', 1) }}, '%~', {{ number_text('target_upper', 1) }}, '%') end,
            case
                when reason_code is not null then '：不可考核'
                when observed_value > target_upper then '：高于上限，未通过'
                when observed_value < target_lower then '：低于下限，未通过'
                else '：在区间内，通过'
            end) as evidence_zh,
        concat(district_name, ' December ', cast(assessment_year as string), ' ',
            case item_code when 'new_home_index_control' then 'new-home' else 'second-hand' end,
            ' price index YoY (3-month moving) ',
            case when observed_value is null then 'no data' else concat({{ number_text('observed_value', 1) }}, '%') end,
            ', control band ',
            case when target_upper is null then 'none' else concat({{ number_text('target_lower', 1) }}, '% to ', {{ number_text('target_upper', 1) }}, '%') end,
            case
                when reason_code is not null then ': not assessable'
                when observed_value > target_upper then ': above the band, failed'
                when observed_value < target_lower then ': below the band, failed'
                else ': within the band, passed'
            end) as evidence_en,
        'index_month' as evidence_key_type,
        1 as evidence_key_count,
        concat(case item_code when 'new_home_index_control' then 'new_home' else 'resale' end,
            ':', district_code, ':', cast(assessment_year as string), '-12') as evidence_keys
    from index_items
),

land_years as (
    select
        district_code,
        deal_year,
        count(*) as parcels_sold,
        sum(case when is_under_cap then 1 else 0 end) as parcels_under_cap,
        sum(case when is_above_cap then 1 else 0 end) as parcels_above_cap,
        sum(case when is_at_cap then 1 else 0 end) as parcels_at_cap,
        sum(case when is_lottery then 1 else 0 end) as parcels_lottery,
        sum(case when is_above_cap or is_at_cap or is_lottery then 1 else 0 end) as parcels_flagged,
        max(case when is_under_cap then premium_rate_pct end) as max_premium_rate_pct,
        min(premium_cap_pct) as premium_cap_pct,
        {{ dbt.listagg("case when is_above_cap or is_at_cap or is_lottery then parcel_id end", "';'", "order by parcel_id") }} as flagged_parcels,
        {{ dbt.listagg(flagged_label_zh, "'；'", "order by parcel_id") }} as flagged_text_zh
    from {{ ref('int_assessment__land_parcels') }}
    group by district_code, deal_year
),

cap_years as (
    -- years in which a premium cap was in force on some day
    select distinct years.assessment_year
    from years
    inner join {{ ref('int_assessment__premium_cap_thresholds') }} as cap_rows
        on cap_rows.valid_from <= cast(concat(cast(years.assessment_year as string), '-12-31') as date)
        and (cap_rows.valid_to is null or cap_rows.valid_to >= cast(concat(cast(years.assessment_year as string), '-01-01') as date))
),

land_rows as (
    select
        district_items.assessment_year, 'district' as geo_level, district_items.district_code as geo_code,
        district_items.district_name as geo_name, district_items.item_code as item_family,
        district_items.item_code, district_items.name_zh as item_name_zh, district_items.name_en as item_name_en,
        district_items.sort_order,
        land_years.max_premium_rate_pct as observed_value, '%' as unit,
        cast(null as double) as target_lower, land_years.premium_cap_pct as target_upper,
        case when cap_years.assessment_year is not null then coalesce(land_years.parcels_above_cap, 0) = 0 end as passed,
        case when cap_years.assessment_year is null then '年内无溢价率上限（alert_thresholds land_premium_cap 未生效）' end as not_assessable_reason_zh,
        case when cap_years.assessment_year is null then 'no premium cap in force during the year (alert_thresholds land_premium_cap)' end as not_assessable_reason_en,
        concat(district_items.district_name, ' ', cast(district_items.assessment_year as string), '年住宅用地成交 ',
            cast(coalesce(land_years.parcels_sold, 0) as string), ' 宗',
            case when cap_years.assessment_year is null then '，年内无溢价率上限：不可考核'
            else concat('，限价下成交 ', cast(coalesce(land_years.parcels_under_cap, 0) as string), ' 宗',
                case when land_years.max_premium_rate_pct is null then '' else concat('（上限 ', {{ number_text('land_years.premium_cap_pct', 2) }}, '%，最高溢价率 ',
                    {{ number_text('land_years.max_premium_rate_pct', 2) }}, '%）') end,
                '；超上限 ', cast(coalesce(land_years.parcels_above_cap, 0) as string), ' 宗，触及上限 ',
                cast(coalesce(land_years.parcels_at_cap, 0) as string), ' 宗，限价摇号 ',
                cast(coalesce(land_years.parcels_lottery, 0) as string), ' 宗',
                case when land_years.flagged_text_zh is null then '' else concat('：', land_years.flagged_text_zh) end,
                case when coalesce(land_years.parcels_above_cap, 0) = 0 then '；通过' else '；未通过' end)
            end) as evidence_zh,
        concat(district_items.district_name, ' ', cast(district_items.assessment_year as string), ': ',
            cast(coalesce(land_years.parcels_sold, 0) as string), ' residential parcels sold',
            case when cap_years.assessment_year is null then '; no premium cap in force: not assessable'
            else concat(', ', cast(coalesce(land_years.parcels_under_cap, 0) as string), ' under the cap',
                case when land_years.max_premium_rate_pct is null then '' else concat(' (cap ', {{ number_text('land_years.premium_cap_pct', 2) }}, '%, highest premium ',
                    {{ number_text('land_years.max_premium_rate_pct', 2) }}, '%)') end,
                '; above the cap ', cast(coalesce(land_years.parcels_above_cap, 0) as string),
                ', at the cap ', cast(coalesce(land_years.parcels_at_cap, 0) as string),
                ', lottery ', cast(coalesce(land_years.parcels_lottery, 0) as string),
                case when land_years.flagged_parcels is null then '' else concat(': ', replace(land_years.flagged_parcels, ';', ', ')) end,
                case when coalesce(land_years.parcels_above_cap, 0) = 0 then '; passed' else '; failed' end)
            end) as evidence_en,
        'parcel' as evidence_key_type,
        coalesce(land_years.parcels_flagged, 0) as evidence_key_count,
        land_years.flagged_parcels as evidence_keys
    from district_items
    left join land_years
        on land_years.district_code = district_items.district_code
        and land_years.deal_year = district_items.assessment_year
    left join cap_years on cap_years.assessment_year = district_items.assessment_year
    where district_items.item_code = 'land_price_cap'
),

hold_band_versions as (
    -- the hold band (green) in force at each year's December, latest version
    select
        years.assessment_year,
        bands.band_code,
        bands.min_months_inclusive,
        bands.max_months_exclusive,
        row_number() over (partition by years.assessment_year order by bands.valid_from desc) as version_rank
    from years
    inner join {{ ref('policy_months_of_supply_bands') }} as bands
        on bands.signal_level = 'green'
        and bands.valid_from <= cast(concat(cast(years.assessment_year as string), '-12-01') as date)
),

hold_band as (
    select * from hold_band_versions where version_rank = 1
),

supply_rows as (
    select
        district_items.assessment_year, 'district' as geo_level, district_items.district_code as geo_code,
        district_items.district_name as geo_name, district_items.item_code as item_family,
        district_items.item_code, district_items.name_zh as item_name_zh, district_items.name_en as item_name_en,
        district_items.sort_order,
        supply.months_of_supply_12m_months as observed_value, '个月' as unit,
        hold_band.min_months_inclusive as target_lower, hold_band.max_months_exclusive as target_upper,
        case when supply.months_of_supply_12m_months is not null and hold_band.band_code is not null
            then supply.months_of_supply_12m_months >= hold_band.min_months_inclusive
                and supply.months_of_supply_12m_months < hold_band.max_months_exclusive end as passed,
        case
            when hold_band.band_code is null then '年末无去化周期分档（policy_months_of_supply_bands 自2017-04-01起）'
            when supply.months_of_supply_12m_months is null then '12月末无去化周期（近12个月无成交或序列不足12个月）'
        end as not_assessable_reason_zh,
        case
            when hold_band.band_code is null then 'no months-of-supply bands in force at the year end (policy_months_of_supply_bands from 2017-04-01)'
            when supply.months_of_supply_12m_months is null then 'no December months of supply (no sales or under 12 months of history)'
        end as not_assessable_reason_en,
        concat(district_items.district_name, ' ', cast(district_items.assessment_year as string), '年12月末去化周期 ',
            case when supply.months_of_supply_12m_months is null then '无数据' else concat({{ number_text('supply.months_of_supply_12m_months', 1) }}, ' 个月') end,
            case when hold_band.band_code is null then '，无去化周期分档' else concat('，维持供地区间 ',
                {{ number_text('hold_band.min_months_inclusive', 0) }}, '-',
                {{ number_text('hold_band.max_months_exclusive', 0) }}, ' 个月') end,
            case
                when supply.months_of_supply_12m_months is null or hold_band.band_code is null then '：不可考核'
                when supply.months_of_supply_12m_months >= hold_band.max_months_exclusive then '：供应偏多，未通过'
                when supply.months_of_supply_12m_months < hold_band.min_months_inclusive then '：供应偏紧，未通过'
                else '：通过'
            end, '（规划供应目标仅到市区，区县以去化周期代理）') as evidence_zh,
        concat(district_items.district_name, ' December ', cast(district_items.assessment_year as string), ' months of supply ',
            case when supply.months_of_supply_12m_months is null then 'no data' else concat({{ number_text('supply.months_of_supply_12m_months', 1) }}, ' months') end,
            case when hold_band.band_code is null then ', no months-of-supply bands' else concat(', hold band ',
                {{ number_text('hold_band.min_months_inclusive', 0) }}, '–',
                {{ number_text('hold_band.max_months_exclusive', 0) }}, ' months') end,
            case
                when supply.months_of_supply_12m_months is null or hold_band.band_code is null then ': not assessable'
                when supply.months_of_supply_12m_months >= hold_band.max_months_exclusive then ': oversupplied, failed'
                when supply.months_of_supply_12m_months < hold_band.min_months_inclusive then ': undersupplied, failed'
                else ': passed'
            end, ' (the plan sets supply targets for 市区 only; districts use this proxy)') as evidence_en,
        'supply_year' as evidence_key_type,
        1 as evidence_key_count,
        concat(district_items.district_code, ':', cast(district_items.assessment_year as string), '-12') as evidence_keys
    from district_items
    left join {{ ref('int_supply__housing_supply') }} as supply
        on supply.period_grain = 'year' and supply.geo_level = 'district'
        and supply.geo_code = district_items.district_code
        and cast(extract(year from supply.period_start) as integer) = district_items.assessment_year
    left join hold_band on hold_band.assessment_year = district_items.assessment_year
    where district_items.item_code = 'supply_months_of_supply'
),

plan_rows as (
    select * from {{ ref('int_assessment__plan_years') }}
),

unioned as (
    select * from index_rows
    union all
    select * from land_rows
    union all
    select * from supply_rows
    union all
    select * from plan_rows
)

select
    cast(assessment_year as integer) as assessment_year,
    cast(geo_level as string) as geo_level,
    cast(geo_code as string) as geo_code,
    cast(geo_name as string) as geo_name,
    cast(item_family as string) as item_family,
    cast(item_code as string) as item_code,
    cast(item_name_zh as string) as item_name_zh,
    cast(item_name_en as string) as item_name_en,
    cast(sort_order as integer) as sort_order,
    cast(observed_value as double) as observed_value,
    cast(unit as string) as unit,
    cast(target_lower as double) as target_lower,
    cast(target_upper as double) as target_upper,
    cast(passed as boolean) as passed,
    cast(not_assessable_reason_zh as string) as not_assessable_reason_zh,
    cast(not_assessable_reason_en as string) as not_assessable_reason_en,
    cast(evidence_zh as string) as evidence_zh,
    cast(evidence_en as string) as evidence_en,
    cast(evidence_key_type as string) as evidence_key_type,
    cast(evidence_key_count as bigint) as evidence_key_count,
    cast(evidence_keys as string) as evidence_keys
from unioned
