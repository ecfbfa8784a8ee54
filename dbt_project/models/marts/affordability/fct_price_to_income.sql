{#
    Published as int_affordability__price_to_income computes it: one row per period × reporting
    area. The logic lives in the intermediate model so that intermediate models and other marts read
    it there, never a published mart.
#}
select * from {{ ref('int_affordability__price_to_income') }}
