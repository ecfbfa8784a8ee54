{#
    Published as int_credit__bank_concentration computes it: one row per institution × period. The
    logic lives in the intermediate model so that intermediate models and other marts read it there,
    never a published mart.
#}
select * from {{ ref('int_credit__bank_concentration') }}
