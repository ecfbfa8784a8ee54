{#
    Published as int_reference__control_targets_current computes it: one row per district × year ×
    market. The logic lives in the intermediate model so that intermediate models and other marts
    read it there, never a published mart.
#}
select * from {{ ref('int_reference__control_targets_current') }}
