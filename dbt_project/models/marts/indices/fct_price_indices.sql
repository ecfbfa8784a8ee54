{#
    Published as int_price_indices__typed computes it: one row per market × method × band × area ×
    period. The logic lives in the intermediate model so that intermediate models and other marts
    read it there, never a published mart.
#}
select * from {{ ref('int_price_indices__typed') }}
