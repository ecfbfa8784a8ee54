{#
    The current version of every credit return, one row per institution × month, with the bank
    tier from the return or else from the bank register (stg_reference__banks), and the
    concentration caps (房地产贷款集中度管理) of that tier in force that month (null before the
    caps' valid_from): the tier's cap plus the regional flex of the return's city, else of its
    province (policy_bank_concentration_flex, 0 when none). The provident fund (公积金中心) files
    the same return without loans.
#}
with

returns as (
    {{ latest_version(ref('stg_credit__returns'), ['institution_id', 'period_month']) }}
),

banks as (
    {{ latest_version(ref('stg_reference__banks'), ['institution_id']) }}
),

caps as (
    select
        bank_tier,
        re_loan_cap_pct,
        personal_housing_cap_pct,
        regional_flex_pp,
        valid_from,
        lead(valid_from) over (partition by bank_tier order by valid_from nulls last) as valid_to
    from {{ ref('policy_bank_concentration_caps') }}
),

flex as (
    select * from {{ ref('policy_bank_concentration_flex') }}
),

tiered as (
    select
        returns.*,
        coalesce(returns.bank_tier, banks.bank_tier) as resolved_bank_tier,
        banks.bank_category,
        returns.institution_type = '公积金' as is_provident_fund
    from returns
    left join banks on banks.institution_id = returns.institution_id
),

regional_flex as (
    -- the city's own adjustment replaces its province's (320600 before 320000)
    select
        tiered.institution_id,
        tiered.period_month,
        flex.re_loan_flex_pp,
        flex.personal_housing_flex_pp,
        row_number() over (
            partition by tiered.institution_id, tiered.period_month
            order by case when flex.region_code = tiered.city_code then 0 else 1 end
        ) as region_rank
    from tiered
    inner join flex
        on flex.bank_tier = tiered.resolved_bank_tier
        and flex.region_code in (tiered.city_code, concat(substring(tiered.city_code, 1, 2), '0000'))
        and tiered.period_month >= flex.valid_from
        and (flex.valid_to is null or tiered.period_month <= flex.valid_to)
),

with_caps as (
    select
        tiered.institution_id,
        tiered.institution_name,
        tiered.institution_type,
        tiered.is_provident_fund,
        tiered.resolved_bank_tier as bank_tier,
        tiered.bank_category,
        tiered.city_code,
        tiered.period_month,
        tiered.total_loans_yuan,
        tiered.re_loans_yuan,
        tiered.personal_housing_loans_yuan,
        100.0 * tiered.re_loans_yuan / nullif(tiered.total_loans_yuan, 0) as re_loan_share_pct,
        100.0 * tiered.personal_housing_loans_yuan / nullif(tiered.total_loans_yuan, 0) as personal_housing_share_pct,
        caps.re_loan_cap_pct + coalesce(regional_flex.re_loan_flex_pp, 0) as re_loan_cap_pct,
        caps.personal_housing_cap_pct + coalesce(regional_flex.personal_housing_flex_pp, 0) as personal_housing_cap_pct,
        case when caps.bank_tier is not null then coalesce(regional_flex.re_loan_flex_pp, 0) end as re_loan_flex_pp,
        case when caps.bank_tier is not null then coalesce(regional_flex.personal_housing_flex_pp, 0) end as personal_housing_flex_pp,
        caps.regional_flex_pp,
        tiered.new_mortgage_yuan,
        tiered.new_mortgage_count,
        tiered.avg_mortgage_rate_pct,
        tiered.first_home_down_payment_pct,
        tiered.pf_contributions_yuan,
        tiered.pf_withdrawals_yuan,
        tiered.pf_loans_yuan,
        tiered.version_count,
        tiered.batch_id
    from tiered
    left join caps
        on caps.bank_tier = tiered.resolved_bank_tier
        and tiered.period_month >= caps.valid_from
        and (caps.valid_to is null or tiered.period_month < caps.valid_to)
    left join regional_flex
        on regional_flex.institution_id = tiered.institution_id
        and regional_flex.period_month = tiered.period_month
        and regional_flex.region_rank = 1
),

with_cap_use as (
    select
        with_caps.*,
        100.0 * re_loan_share_pct / nullif(re_loan_cap_pct, 0) as re_loan_cap_used_pct,
        100.0 * personal_housing_share_pct / nullif(personal_housing_cap_pct, 0) as personal_housing_cap_used_pct,
        coalesce(re_loan_share_pct > re_loan_cap_pct or personal_housing_share_pct > personal_housing_cap_pct, false) as is_above_cap
    from with_caps
)

select * from with_cap_use
