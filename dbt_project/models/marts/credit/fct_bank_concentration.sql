{#
    Per bank and month: real-estate and personal-housing loan shares of all loans against the
    caps of the bank's tier in force (base cap + regional flex), the share of each cap used, and
    the month's new mortgages; a bank at or above the near-cap share of a cap in force that month
    (policy_bank_near_cap) is near its cap.
#}
with

returns as (
    select * from {{ ref('int_credit__returns_current') }}
    where not is_provident_fund
),

near_cap as (
    select * from {{ ref('policy_bank_near_cap') }}
),

monthly as (
    select
        'month' as period_grain,
        period_month as period_start,
        institution_id,
        institution_name,
        bank_tier,
        bank_category,
        total_loans_yuan,
        re_loans_yuan,
        personal_housing_loans_yuan,
        re_loan_share_pct,
        personal_housing_share_pct,
        re_loan_cap_pct,
        personal_housing_cap_pct,
        re_loan_flex_pp,
        personal_housing_flex_pp,
        regional_flex_pp,
        re_loan_cap_used_pct,
        personal_housing_cap_used_pct,
        is_above_cap,
        new_mortgage_yuan,
        new_mortgage_count,
        avg_mortgage_rate_pct,
        first_home_down_payment_pct
    from returns
),

with_changes as (
    {{ period_changes('monthly', ['institution_id'],
                      ['re_loan_share_pct', 'personal_housing_share_pct', 'new_mortgage_yuan']) }}
),

with_near_cap as (
    select
        with_changes.*,
        greatest(with_changes.re_loan_cap_used_pct, with_changes.personal_housing_cap_used_pct)
            as cap_used_max_pct,
        near_cap.near_cap_used_pct
    from with_changes
    left join near_cap
        on with_changes.period_start >= near_cap.valid_from
        and (near_cap.valid_to is null or with_changes.period_start <= near_cap.valid_to)
)

select
    period_grain,
    period_start,
    institution_id,
    institution_name,
    bank_tier,
    bank_category,
    total_loans_yuan,
    re_loans_yuan,
    personal_housing_loans_yuan,
    re_loan_share_pct,
    personal_housing_share_pct,
    re_loan_cap_pct,
    personal_housing_cap_pct,
    re_loan_flex_pp,
    personal_housing_flex_pp,
    regional_flex_pp,
    re_loan_cap_used_pct,
    personal_housing_cap_used_pct,
    is_above_cap,
    cap_used_max_pct,
    near_cap_used_pct,
    coalesce(cap_used_max_pct >= near_cap_used_pct, false) as is_near_cap,
    new_mortgage_yuan,
    new_mortgage_count,
    avg_mortgage_rate_pct,
    first_home_down_payment_pct,
    re_loan_share_pct_mom_pct,
    re_loan_share_pct_yoy_pct,
    personal_housing_share_pct_mom_pct,
    personal_housing_share_pct_yoy_pct,
    new_mortgage_yuan_mom_pct,
    new_mortgage_yuan_yoy_pct
from with_near_cap
