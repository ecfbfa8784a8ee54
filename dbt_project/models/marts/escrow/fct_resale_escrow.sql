{#
    Published as int_resale__escrow computes it (the resale-escrow alert reads it there, never a
    published mart). Grain: period_grain + period_start + geo_level + geo_code.
#}
select * from {{ ref('int_resale__escrow') }}
