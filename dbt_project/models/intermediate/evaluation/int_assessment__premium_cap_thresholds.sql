{#
    The land premium-rate cap as configured: the alert_thresholds rows of the rules on the
    indicator alert_indicators names as the limit of the land_price_cap assessment item (today
    land_premium_rate_pct, rule land_premium_cap). The assessment and the alert judge parcels
    against the same rows, selected by that seed attribute rather than by a rule id.
#}
with

indicators as (
    select * from {{ ref('alert_indicators') }}
    where assessment_item = 'land_price_cap'
),

rules as (
    select distinct alert_rules.rule_id
    from {{ ref('alert_rules') }} as alert_rules
    inner join indicators on indicators.indicator = alert_rules.indicator
),

thresholds as (
    select * from {{ ref('alert_thresholds') }}
)

select thresholds.*
from thresholds
inner join rules on rules.rule_id = thresholds.rule_id
