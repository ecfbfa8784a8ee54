{#
    Published as int_geography__districts computes it: one row per district code. The logic lives in
    the intermediate model so that intermediate models and other marts read it there, never a
    published mart.
#}
select * from {{ ref('int_geography__districts') }}
