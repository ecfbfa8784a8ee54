{#
    Published as int_data_quality__source_months computes it: one row per data source × month.
    The logic lives in the intermediate model because the data-quality alerts read it too, and
    intermediate models never read a published mart.
#}
select * from {{ ref('int_data_quality__source_months') }}
