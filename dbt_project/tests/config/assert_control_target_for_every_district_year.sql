{#
    A district-year with a headline price index needs a control target for that market: the
    price-control rules and the annual assessment would otherwise pass it by silently. Each
    failing row says which target is missing and where the bureau's targets came from.
#}
{{ config(store_failures=true, schema='audit') }}

with

indexed as (
    select distinct
        market,
        case market when 'new_home' then '新建商品住宅' else '二手住宅' end as target_market,
        geo_code as district_code,
        geo_name as district_name,
        extract(year from period_start) as target_year
    from {{ ref('fct_price_indices') }}
    where market in ('new_home', 'resale') and is_headline and band = 'all'
        and period_grain = 'month' and geo_level = 'district' and yoy_index is not null
),

targets as (
    select * from {{ ref('dim_control_targets') }}
),

loaded as (
    -- the file(s) the bureau's targets were loaded from, by their batches in the ledger
    select string_agg(distinct coalesce(batches.file_name, targets.batch_id), ', ') as files
    from {{ ref('stg_reference__control_targets') }} as targets
    left join {{ ref('stg_ledger__batches') }} as batches on batches.batch_id = targets.batch_id
)

select
    indexed.district_code,
    indexed.target_year,
    indexed.target_market,
    concat(
        'control targets (', coalesce(loaded.files, 'no file loaded'),
        ') have no ', indexed.target_market, ' row for ', indexed.district_code, ' ',
        indexed.district_name, ' ', cast(indexed.target_year as string),
        ': add it to the bureau''s control_targets file and load it'
    ) as problem
from indexed
cross join loaded
left join targets
    on targets.district_code = indexed.district_code
    and targets.target_year = indexed.target_year
    and targets.market = indexed.target_market
where targets.district_code is null
