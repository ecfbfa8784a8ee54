{# The index series computed in Python (int_price_indices__series), typed for fct_price_indices' contract. #}

{{ config(materialized='table') }}

with

series as (
    select * from {{ ref('int_price_indices__series') }}
)

select
    cast(market as string) as market,
    cast(method as string) as method,
    cast(band as string) as band,
    cast(geo_level as string) as geo_level,
    cast(geo_code as string) as geo_code,
    cast(geo_name as string) as geo_name,
    cast(period_grain as string) as period_grain,
    cast(period_start as date) as period_start,
    cast(index_value as double) as index_value,
    cast(mom_index as double) as mom_index,
    cast(yoy_index as double) as yoy_index,
    cast(index_3m as double) as index_3m,
    cast(yoy_index_3m as double) as yoy_index_3m,
    cast(n as bigint) as n,
    cast(imputed as boolean) as imputed,
    cast(is_headline as boolean) as is_headline
from series
