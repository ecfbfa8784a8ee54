{#
    The evidence behind each alert, one row per alert × evidence item, so the dashboard and the
    briefs drill from an alert to what an analyst acts on: every alert's own entity (the area,
    bank, parcel, project or buyer, with the mart that holds it), plus the contracts behind
    project and buyer alerts (the contracts above or below the filed price, the resales held
    under the limit, the purchases in the 6-month window), the failed parcels of a failed-auction
    batch, the permits of a withheld-supply project and the permits (with their escrow accounts)
    of a presale-fund or construction alert. Which items an alert gets is its
    indicator's evidence in alert_indicators, never a rule id here.
#}

with

alerts as (
    -- each alert with the evidence its indicator lists (alert_indicators.evidence)
    select judged.*, indicators.evidence
    from {{ ref('int_alerts__judged') }} as judged
    inner join {{ ref('alert_indicators') }} as indicators
        on indicators.indicator = judged.indicator
),

rules as (
    select distinct rule_id, indicator_zh, indicator_en, unit_zh, source_model from {{ ref('alert_rules') }}
),

contracts as (
    select * from {{ ref('int_new_home__contracts_current') }}
    where is_residential and not is_cancelled and filed_price_yuan_per_sqm > 0
),

purchases as (
    select * from {{ ref('int_alerts__purchases') }}
),

parcels as (
    select * from {{ ref('int_land__parcels') }}
),

project_stock as (
    select * from {{ ref('int_alerts__project_stock') }}
),

escrow_permit_months as (
    select * from {{ ref('int_escrow__permit_months') }}
),

entities as (
    select
        alerts.alert_id,
        alerts.rule_id,
        alerts.period_start,
        alerts.entity_type as evidence_type,
        alerts.entity_id as evidence_id,
        alerts.entity_name as evidence_name,
        alerts.district_code,
        cast(null as string) as related_id,
        cast(null as date) as event_date,
        alerts.observed_value as measure_value,
        rules.indicator_zh as measure_zh,
        rules.indicator_en as measure_en,
        rules.unit_zh as measure_unit,
        rules.source_model
    from alerts
    inner join rules on rules.rule_id = alerts.rule_id
),

filed_price_contracts as (
    -- the contracts that break the filed-price rule, not the project's whole month
    select
        alerts.alert_id,
        alerts.rule_id,
        alerts.period_start,
        'contract' as evidence_type,
        contracts.contract_id as evidence_id,
        concat(contracts.project_name, ' ', contracts.unit_id) as evidence_name,
        contracts.district_code,
        contracts.project_id as related_id,
        contracts.sign_date as event_date,
        100.0 * contracts.unit_price_yuan_per_sqm / contracts.filed_price_yuan_per_sqm as measure_value,
        '成交单价/备案单价' as measure_zh,
        'contract price / filed price' as measure_en,
        '%' as measure_unit,
        'int_new_home__contracts_current' as source_model
    from alerts
    inner join contracts
        on contracts.project_id = alerts.entity_id
        and contracts.sign_month = alerts.period_start
    where alerts.evidence = 'filed_price_contracts'
        and {{ meets_threshold(
            '100.0 * contracts.unit_price_yuan_per_sqm / contracts.filed_price_yuan_per_sqm',
            'alerts.comparator', 'alerts.effective_threshold') }}
),

flip_contracts as (
    -- the seller's resales that month held under the limit, each with the purchase it ends
    select
        alerts.alert_id,
        alerts.rule_id,
        alerts.period_start,
        'contract' as evidence_type,
        purchases.contract_id as evidence_id,
        purchases.unit_id as evidence_name,
        purchases.district_code,
        purchases.previous_contract_id as related_id,
        purchases.sign_date as event_date,
        purchases.holding_months as measure_value,
        '持有期' as measure_zh,
        'months held' as measure_en,
        '个月' as measure_unit,
        'int_alerts__purchases' as source_model
    from alerts
    inner join purchases
        on purchases.seller_key = alerts.entity_id
        and purchases.sign_month = alerts.period_start
    where alerts.evidence = 'flip_resales'
        and purchases.holding_months < alerts.effective_threshold
),

window_purchases as (
    -- the buyer's purchases in the 6 months up to the end of the alert month
    select
        alerts.alert_id,
        alerts.rule_id,
        alerts.period_start,
        'contract' as evidence_type,
        purchases.contract_id as evidence_id,
        purchases.unit_id as evidence_name,
        purchases.district_code,
        purchases.project_id as related_id,
        purchases.sign_date as event_date,
        purchases.total_price_yuan as measure_value,
        '成交总价' as measure_zh,
        'total price' as measure_en,
        '元' as measure_unit,
        'int_alerts__purchases' as source_model
    from alerts
    inner join purchases
        on purchases.buyer_key = alerts.entity_id
        and purchases.sign_date <= {{ dbt.last_day('alerts.period_start', 'month') }}
        and purchases.sign_date
            >= {{ dbt.dateadd('month', -6, dbt.last_day('alerts.period_start', 'month')) }}
    where alerts.evidence = 'window_purchases'
),

failed_parcels as (
    select
        alerts.alert_id,
        alerts.rule_id,
        alerts.period_start,
        'parcel' as evidence_type,
        parcels.parcel_id as evidence_id,
        parcels.parcel_name as evidence_name,
        parcels.district_code,
        parcels.method as related_id,
        parcels.deal_date as event_date,
        parcels.start_price_yuan as measure_value,
        '起始价' as measure_zh,
        'start price' as measure_en,
        '元' as measure_unit,
        'fct_land_parcels' as source_model
    from alerts
    inner join parcels
        on parcels.deal_month = alerts.period_start
        and parcels.status = '流拍'
        and parcels.is_residential_use
        and (alerts.geo_level = 'city' or parcels.district_code = alerts.district_code)
    where alerts.evidence = 'failed_parcels'
),

withheld_projects as (
    select
        alerts.alert_id,
        alerts.rule_id,
        alerts.period_start,
        'project_stock' as evidence_type,
        project_stock.project_id as evidence_id,
        project_stock.project_name as evidence_name,
        project_stock.district_code,
        cast(project_stock.first_permit_month as string) as related_id,
        project_stock.period_start as event_date,
        cast(project_stock.unsold_units as double) as measure_value,
        '取证6个月以上未售套数' as measure_zh,
        'units permitted 6+ months ago still unsold' as measure_en,
        '套' as measure_unit,
        'int_alerts__project_stock' as source_model
    from alerts
    inner join project_stock
        on project_stock.project_id = alerts.entity_id
        and project_stock.period_start = alerts.period_start
    where alerts.evidence = 'withheld_projects'
),

escrow_permits as (
    -- every permit of the project that month, with the value of the alert's indicator
    select
        alerts.alert_id,
        alerts.rule_id,
        alerts.period_start,
        'escrow_permit' as evidence_type,
        permits.permit_id as evidence_id,
        permits.project_name as evidence_name,
        permits.district_code,
        permits.account_no as related_id,
        permits.month_start as event_date,
        {{ escrow_signal('alerts.indicator', 'permits') }} as measure_value,
        rules.indicator_zh as measure_zh,
        rules.indicator_en as measure_en,
        rules.unit_zh as measure_unit,
        'int_escrow__permit_months' as source_model
    from alerts
    inner join escrow_permit_months as permits
        on permits.project_id = alerts.entity_id
        and permits.month_start = alerts.period_start
    inner join rules on rules.rule_id = alerts.rule_id
    where alerts.evidence = 'escrow_permits'
),

evidence as (
    select * from entities
    union all
    select * from escrow_permits
    union all
    select * from filed_price_contracts
    union all
    select * from flip_contracts
    union all
    select * from window_purchases
    union all
    select * from failed_parcels
    union all
    select * from withheld_projects
)

select
    alert_id,
    rule_id,
    period_start,
    evidence_type,
    evidence_id,
    evidence_name,
    district_code,
    related_id,
    event_date,
    cast(measure_value as double) as measure_value,
    measure_zh,
    measure_en,
    measure_unit,
    source_model
from evidence
