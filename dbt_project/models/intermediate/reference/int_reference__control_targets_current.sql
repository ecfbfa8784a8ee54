{#
    The price-index control targets (房价指数调控目标) as the bureau issued them: the current
    version of each district × year × market band, with its source and validity date.
#}

{{ config(materialized='table') }}

with

targets as (
    {{ latest_version(ref('stg_reference__control_targets'), ['district_code', 'year', 'market']) }}
)

select
    district_code,
    district_name,
    cast(year as integer) as target_year,
    market,
    target_min_pct,
    target_max_pct,
    doc_source,
    valid_from
from targets
