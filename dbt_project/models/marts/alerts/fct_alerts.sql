{#
    Published as int_alerts__judged computes it: one row per rule × entity × period that reaches a
    level. The logic lives in the intermediate model so that intermediate models and other marts
    read it there, never a published mart.
#}
select * from {{ ref('int_alerts__judged') }}
