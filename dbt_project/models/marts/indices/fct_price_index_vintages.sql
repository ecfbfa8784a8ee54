{{ config(
    materialized='incremental',
    unique_key=['vintage', 'market', 'method', 'band', 'geo_code', 'period_start'],
    incremental_strategy=incremental_strategy(),
    full_refresh=false,
    pre_hook="{{ drop_uncommitted_vintages() }}",
) }}
{#
    What each build's indices said about the last 24 months, kept across builds: late contracts
    and corrections revise recent months, and analysts must see by how much. A vintage is the
    data it was built from (the newest landed batch), so rebuilding the same data is idempotent;
    `housewatch build --full` leaves the history alone (full_refresh=false).
#}
with

indices as (
    select * from {{ ref('int_price_indices__typed') }}
    where period_grain = 'month'
),

vintage as (
    select
        max(batches.batch_id) as vintage,
        max(batches.loaded_at) as vintage_loaded_at
    from (
        select batch_id, loaded_at from {{ ref('stg_new_home__contracts') }}
        union all
        select batch_id, loaded_at from {{ ref('stg_resale__contracts') }}
        union all
        select batch_id, loaded_at from {{ ref('stg_rental__registrations') }}
    ) as batches
),

latest as (
    select max(period_start) as data_through from indices
)

select
    vintage.vintage,
    vintage.vintage_loaded_at,
    latest.data_through,
    indices.market,
    indices.method,
    indices.band,
    indices.geo_level,
    indices.geo_code,
    indices.geo_name,
    indices.period_start,
    indices.index_value,
    indices.mom_index,
    indices.yoy_index,
    indices.n,
    indices.imputed,
    indices.is_headline
from indices
cross join vintage
cross join latest
where indices.period_start >= {{ dbt.dateadd('month', -23, 'latest.data_through') }}
