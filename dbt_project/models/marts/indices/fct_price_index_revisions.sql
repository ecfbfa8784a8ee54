{#
    Revision log: for every index month, the value first published, the latest value and the
    revision in points (of 环比 and 同比), over the vintages kept in fct_price_index_vintages.
#}
with

vintages as (
    select * from {{ ref('fct_price_index_vintages') }}
),

ranked as (
    select
        vintages.*,
        row_number() over (
            partition by market, method, band, geo_code, period_start
            order by vintage asc
        ) as first_rank,
        row_number() over (
            partition by market, method, band, geo_code, period_start
            order by vintage desc
        ) as last_rank,
        count(*) over (partition by market, method, band, geo_code, period_start) as vintages
    from vintages
),

first_published as (
    select * from ranked where first_rank = 1
),

latest as (
    select * from ranked where last_rank = 1
)

select
    latest.market,
    latest.method,
    latest.band,
    latest.geo_level,
    latest.geo_code,
    latest.geo_name,
    latest.period_start,
    latest.vintages,
    first_published.vintage as first_vintage,
    latest.vintage as latest_vintage,
    first_published.mom_index as first_mom_index,
    latest.mom_index as latest_mom_index,
    latest.mom_index - first_published.mom_index as mom_revision_points,
    first_published.yoy_index as first_yoy_index,
    latest.yoy_index as latest_yoy_index,
    latest.yoy_index - first_published.yoy_index as yoy_revision_points,
    latest.is_headline
from latest
inner join first_published
    on first_published.market = latest.market
    and first_published.method = latest.method
    and first_published.band = latest.band
    and first_published.geo_code = latest.geo_code
    and first_published.period_start = latest.period_start
