{#
    Published as int_plan__progress computes it: one row per plan target. The logic lives in the
    intermediate model so that intermediate models and other marts read it there, never a published
    mart.
#}
select * from {{ ref('int_plan__progress') }}
