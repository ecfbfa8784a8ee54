{#
    New-home contract cancellations (撤销/注销) per month of cancellation × reporting area, beside
    the contracts signed that month, so the cancellation rate is comparable over time.
#}
with

contracts as (
    select * from {{ ref('int_new_home__contracts_current') }}
    where is_residential
),

cancelled as (
    select
        district_code,
        coalesce(cancel_date, sign_date) as event_date,
        1 as cancelled_units,
        area_sqm as cancelled_area_sqm,
        total_price_yuan as cancelled_amount_yuan,
        0 as signed_units
    from contracts
    where is_cancelled

    union all

    select
        district_code,
        sign_date as event_date,
        0 as cancelled_units,
        0.0 as cancelled_area_sqm,
        0.0 as cancelled_amount_yuan,
        1 as signed_units
    from contracts
),

by_area as (
    {{ explode_areas('cancelled', with_blocks=false) }}
),

by_period as (
    {{ explode_periods('by_area', 'event_date') }}
)

select
    period_grain,
    period_start,
    geo_level,
    geo_code,
    geo_name,
    cast(sum(cancelled_units) as bigint) as cancelled_units,
    sum(cancelled_area_sqm) as cancelled_area_sqm,
    sum(cancelled_amount_yuan) as cancelled_amount_yuan,
    cast(sum(signed_units) as bigint) as signed_units,
    100.0 * sum(cancelled_units) / nullif(sum(signed_units), 0) as cancellation_rate_pct
from by_period
group by period_grain, period_start, geo_level, geo_code, geo_name
