{{ config(materialized='incremental', unique_key='contract_id', incremental_strategy=incremental_strategy(), on_schema_change='fail') }}
{#
    Current version of every new-home contract, classified. Cancelled contracts stay here (with
    is_cancelled) so cancellations can be counted; sales marts exclude them.
#}
with

contracts as (
    {{ current_versions(ref('stg_new_home__contracts'), ['contract_id']) }}
),

size_bands as (
    select * from {{ ref('policy_size_bands') }}
),

price_bands as (
    select * from {{ ref('policy_total_price_bands') }}
),

classified as (
    select
        contracts.contract_id,
        contracts.unit_id,
        contracts.project_id,
        contracts.project_name,
        contracts.permit_id,
        contracts.city_code,
        contracts.district_code,
        contracts.district_name,
        contracts.block_name,
        contracts.usage,
        contracts.floor,
        contracts.usage = '住宅' as is_residential,
        contracts.status = '已撤销' or contracts.cancel_date is not null as is_cancelled,
        contracts.area_sqm,
        contracts.total_price_yuan,
        contracts.total_price_yuan / nullif(contracts.area_sqm, 0) as unit_price_yuan_per_sqm,
        contracts.filed_price_yuan_per_sqm,
        contracts.payment_method,
        contracts.buyer_key,
        contracts.buyer_hukou,
        contracts.home_order,
        contracts.sign_date,
        contracts.cancel_date,
        cast({{ dbt.date_trunc('month', 'contracts.sign_date') }} as date) as sign_month,
        size_bands.band_code as size_band,
        price_bands.band_code as total_price_band,
        contracts.version_count + contracts.prior_version_count as version_count,
        contracts.batch_id
    from contracts
    left join size_bands
        on {{ band_join('size_bands', 'contracts.area_sqm', 'min_area_sqm_exclusive', 'max_area_sqm_inclusive') }}
    left join price_bands
        on {{ band_join('price_bands', 'contracts.total_price_yuan / 10000.0', 'min_total_wan_exclusive', 'max_total_wan_inclusive') }}
)

select * from classified
