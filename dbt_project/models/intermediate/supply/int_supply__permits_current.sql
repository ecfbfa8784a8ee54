{#
    The current version of every presale permit (预售许可), one row per permit_id, with its
    issue month. Supply marts count permitted residential area from here.
#}
with

permits as (
    {{ latest_version(ref('stg_presale__permits'), ['permit_id']) }}
),

current_permits as (
    select
        permits.permit_id,
        permits.project_id,
        permits.project_name,
        permits.developer,
        permits.city_code,
        permits.district_code,
        permits.district_name,
        permits.block_name,
        permits.units,
        permits.residential_units,
        permits.area_sqm,
        permits.residential_area_sqm,
        permits.issue_date,
        cast({{ dbt.date_trunc('month', 'permits.issue_date') }} as date) as issue_month,
        permits.filed_avg_price_yuan_per_sqm,
        permits.version_count,
        permits.batch_id
    from permits
)

select * from current_permits
