{#
    Published as int_new_home__sales computes it: one row per period × reporting area × band. The
    logic lives in the intermediate model so that intermediate models and other marts read it there,
    never a published mart.
#}
select * from {{ ref('int_new_home__sales') }}
