{#
    Every residential home purchase (new-home and second-hand, not cancelled) by its
    pseudonymised buyer, with what the speculation rules (遏制投机炒房) need: how long the unit
    was held before this resale (the previous purchase of the same 不动产单元, either market) and
    how many homes the same buyer bought in the 6 months up to and including this one. Buyer
    keys are the loader's HMAC pseudonyms: identities never reach the warehouse.
#}

with

new_homes as (
    select * from {{ ref('int_new_home__contracts_current') }}
    where is_residential and not is_cancelled
),

resales as (
    select * from {{ ref('int_resale__contracts_current') }}
    where is_residential and not is_cancelled
),

purchases as (
    select
        'new_home' as market,
        contract_id,
        unit_id,
        project_id,
        buyer_key,
        cast(null as string) as seller_key,
        district_code,
        district_name,
        sign_date,
        sign_month,
        unit_price_yuan_per_sqm,
        total_price_yuan
    from new_homes

    union all

    select
        'resale' as market,
        contract_id,
        unit_id,
        cast(null as string) as project_id,
        buyer_key,
        seller_key,
        district_code,
        district_name,
        sign_date,
        sign_month,
        unit_price_yuan_per_sqm,
        total_price_yuan
    from resales
),

sequenced as (
    select
        purchases.*,
        lag(contract_id) over unit_history as previous_contract_id,
        lag(sign_date) over unit_history as previous_sign_date,
        lag(buyer_key) over unit_history as previous_buyer_key
    from purchases
    window unit_history as (partition by unit_id order by sign_date, contract_id)
),

counted as (
    select
        sequenced.*,
        case
            when buyer_key is not null then count(*) over (
                partition by buyer_key order by sign_date
                range between interval 6 month preceding and current row
            )
        end as buyer_purchases_6m
    from sequenced
)

select
    market,
    contract_id,
    unit_id,
    project_id,
    buyer_key,
    seller_key,
    district_code,
    district_name,
    sign_date,
    sign_month,
    unit_price_yuan_per_sqm,
    total_price_yuan,
    previous_contract_id,
    previous_sign_date,
    previous_buyer_key,
    -- months held, to a day: 24 months = 730.5 days
    case
        when market = 'resale' and previous_sign_date is not null
            then {{ dbt.datediff('previous_sign_date', 'sign_date', 'day') }} / (365.25 / 12)
    end as holding_months,
    buyer_purchases_6m
from counted
