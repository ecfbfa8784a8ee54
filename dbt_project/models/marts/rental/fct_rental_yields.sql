{#
    Published as int_rental__yields_by_area computes it: one row per period × reporting area. The
    logic lives in the intermediate model so that intermediate models and other marts read it there,
    never a published mart.
#}
select * from {{ ref('int_rental__yields_by_area') }}
