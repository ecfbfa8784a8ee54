{#
    Published as int_land__market computes it: one row per period × reporting area × use group. The
    logic lives in the intermediate model so that intermediate models and other marts read it there,
    never a published mart.
#}
select * from {{ ref('int_land__market') }}
