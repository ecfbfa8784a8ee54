with

source as (
    {{ committed_rows('credit') }}
),

renamed as (
    select
        institution_id,
        institution_name,
        institution_type,
        cast(bank_tier as bigint) as bank_tier,
        cast(period_month as date) as period_month,
        cast(total_loans_yuan as double) as total_loans_yuan,
        cast(re_loans_yuan as double) as re_loans_yuan,
        cast(personal_housing_loans_yuan as double) as personal_housing_loans_yuan,
        cast(new_mortgage_yuan as double) as new_mortgage_yuan,
        cast(new_mortgage_count as bigint) as new_mortgage_count,
        cast(avg_mortgage_rate_pct as double) as avg_mortgage_rate_pct,
        cast(first_home_down_payment_pct as double) as first_home_down_payment_pct,
        cast(pf_contributions_yuan as double) as pf_contributions_yuan,
        cast(pf_withdrawals_yuan as double) as pf_withdrawals_yuan,
        cast(pf_loans_yuan as double) as pf_loans_yuan,
        city_code,
        {{ lineage_columns() }}
    from source
)

select * from renamed
