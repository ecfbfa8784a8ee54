{#
    Current version of every second-hand contract (存量房网签), classified by size band,
    total-price band and building-age band (房龄 = sign year − build year, floored at 0: a few
    contracts are signed the year before the recorded build year). Cancelled contracts
    stay here (is_cancelled) so they can be counted; sales marts exclude them.
#}
{{ config(materialized='incremental', unique_key='contract_id', incremental_strategy=incremental_strategy(), on_schema_change='fail') }}

with

contracts as (
    {{ current_versions(ref('stg_resale__contracts'), ['contract_id']) }}
),

size_bands as (
    select * from {{ ref('policy_size_bands') }}
),

price_bands as (
    select * from {{ ref('policy_total_price_bands') }}
),

age_bands as (
    select * from {{ ref('policy_building_age_bands') }}
),

aged as (
    select
        contracts.*,
        greatest(extract(year from contracts.sign_date) - contracts.build_year, 0) as building_age_years
    from contracts
),

classified as (
    select
        aged.contract_id,
        aged.unit_id,
        aged.community,
        aged.city_code,
        aged.district_code,
        aged.district_name,
        aged.block_name,
        aged.usage,
        aged.usage = '住宅' as is_residential,
        aged.status = '已撤销' or aged.cancel_date is not null as is_cancelled,
        aged.area_sqm,
        aged.total_price_yuan,
        aged.total_price_yuan / nullif(aged.area_sqm, 0) as unit_price_yuan_per_sqm,
        aged.build_year,
        aged.building_age_years,
        aged.sign_date,
        aged.cancel_date,
        cast({{ dbt.date_trunc('month', 'aged.sign_date') }} as date) as sign_month,
        size_bands.band_code as size_band,
        price_bands.band_code as total_price_band,
        age_bands.band_code as building_age_band,
        aged.fund_supervised,
        aged.buyer_key,
        aged.seller_key,
        aged.version_count + aged.prior_version_count as version_count,
        aged.batch_id
    from aged
    left join size_bands
        on {{ band_join('size_bands', 'aged.area_sqm', 'min_area_sqm_exclusive', 'max_area_sqm_inclusive') }}
    left join price_bands
        on {{ band_join('price_bands', 'aged.total_price_yuan / 10000.0', 'min_total_wan_exclusive', 'max_total_wan_inclusive') }}
    left join age_bands
        on {{ band_join('age_bands', 'aged.building_age_years', 'min_age_years_inclusive', 'max_age_years_exclusive', lower_inclusive=true) }}
)

select * from classified
