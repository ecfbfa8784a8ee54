{#
    年度考核: one row per complete year × area (each district, and 市区 for the plan's Table 1).
    An area passes when every assessable item passed; it fails when any item failed; with no
    assessable item the overall result is null.
#}
with

items as (
    select * from {{ ref('fct_district_assessment_items') }}
),

counted as (
    select
        assessment_year,
        geo_level,
        geo_code,
        geo_name,
        count(*) as items_total,
        sum(case when passed then 1 else 0 end) as items_passed,
        sum(case when not passed then 1 else 0 end) as items_failed,
        sum(case when passed is null then 1 else 0 end) as items_not_assessable,
        {{ dbt.listagg("case when not passed then item_code end", "';'", "order by sort_order, item_code") }} as failed_items,
        {{ dbt.listagg("case when not passed then item_name_zh end", "'；'", "order by sort_order, item_code") }} as failed_items_zh
    from items
    group by assessment_year, geo_level, geo_code, geo_name
)

select
    cast(assessment_year as integer) as assessment_year,
    cast(geo_level as string) as geo_level,
    cast(geo_code as string) as geo_code,
    cast(geo_name as string) as geo_name,
    cast(items_total as bigint) as items_total,
    cast(items_passed as bigint) as items_passed,
    cast(items_failed as bigint) as items_failed,
    cast(items_not_assessable as bigint) as items_not_assessable,
    cast(case
        when items_failed > 0 then false
        when items_passed > 0 then true
    end as boolean) as overall_passed,
    cast(failed_items as string) as failed_items,
    cast(failed_items_zh as string) as failed_items_zh
from counted
