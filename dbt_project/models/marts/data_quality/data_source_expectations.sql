{#
    The source registry published where the seed of this name used to be (reference schema), so
    readers of reference.data_source_expectations keep working: the rows now come from the
    contracts' `delivery` blocks (stg_registry__sources), not from a hand-kept list.
#}
{{ config(schema='reference') }}

with

sources as (
    select * from {{ ref('stg_registry__sources') }}
)

select
    data_source,
    name_zh,
    name_en,
    expected_cadence,
    affects_zh,
    affects_en,
    valid_from,
    valid_to,
    source
from sources
