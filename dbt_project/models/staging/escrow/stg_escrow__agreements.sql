with

source as (
    {{ committed_rows('escrow_agreement') }}
),

renamed as (
    select
        agreement_id,
        permit_id,
        project_id,
        project_name,
        developer,
        developer_id,
        district as district_name,
        district_code,
        bank_name,
        account_no,
        cast(supervised_area_sqm as double) as supervised_area_sqm,
        cast(cost_standard_yuan_per_sqm as double) as cost_standard_yuan_per_sqm,
        cast(key_amount_yuan as double) as key_amount_yuan,
        cast(agreement_date as date) as agreement_date,
        cast(promised_delivery_date as date) as promised_delivery_date,
        city_code,
        cast(period_month as date) as period_month,
        {{ lineage_columns() }}
    from source
)

select * from renamed
