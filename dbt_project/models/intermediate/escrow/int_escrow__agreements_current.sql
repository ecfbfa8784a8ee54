{#
    The current version of every supervision agreement (预售资金监管协议), one row per agreement,
    with its permit's project and district from the presale permit when the agreement leaves them
    out, and the cost standard in force on its date (policy_escrow_cost_standards) beside the one
    it states: an agreement whose key amount is below area × standard is under-supervised.
#}
with

agreements as (
    {{ latest_version(ref('stg_escrow__agreements'), ['agreement_id']) }}
),

permits as (
    select * from {{ ref('int_supply__permits_current') }}
),

standards as (
    select * from {{ ref('policy_escrow_cost_standards') }}
),

final as (
    select
        agreements.agreement_id,
        agreements.permit_id,
        coalesce(agreements.project_id, permits.project_id) as project_id,
        coalesce(agreements.project_name, permits.project_name) as project_name,
        coalesce(agreements.developer, permits.developer) as developer,
        coalesce(agreements.developer_id, agreements.developer, permits.developer) as developer_id,
        coalesce(agreements.district_code, permits.district_code) as district_code,
        coalesce(agreements.district_name, permits.district_name) as district_name,
        agreements.city_code,
        agreements.bank_name,
        agreements.account_no,
        agreements.supervised_area_sqm,
        agreements.cost_standard_yuan_per_sqm,
        standards.cost_standard_yuan_per_sqm as policy_cost_standard_yuan_per_sqm,
        agreements.key_amount_yuan,
        agreements.supervised_area_sqm * standards.cost_standard_yuan_per_sqm as policy_key_amount_yuan,
        agreements.agreement_date,
        cast({{ dbt.date_trunc('month', 'agreements.agreement_date') }} as date) as agreement_month,
        agreements.promised_delivery_date,
        agreements.version_count,
        agreements.batch_id
    from agreements
    left join permits on permits.permit_id = agreements.permit_id
    left join standards
        on agreements.agreement_date >= standards.valid_from
        and (standards.valid_to is null or agreements.agreement_date <= standards.valid_to)
)

select * from final
