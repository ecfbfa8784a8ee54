{#
    Published as int_land__parcels computes it: one row per land parcel (current version). The logic
    lives in the intermediate model so that intermediate models and other marts read it there, never
    a published mart.
#}
select * from {{ ref('int_land__parcels') }}
