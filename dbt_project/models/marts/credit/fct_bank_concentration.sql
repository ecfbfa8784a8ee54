{#
    Published as int_credit__bank_concentration computes it (one row per institution × period;
    the logic lives in the intermediate model so that other models read it there, never a
    published mart), plus the near-cap flag: a bank at or above the near-cap share of a cap in
    force that month (policy_bank_near_cap) is near its cap.
#}
with

concentration as (
    select * from {{ ref('int_credit__bank_concentration') }}
),

near_cap as (
    select * from {{ ref('policy_bank_near_cap') }}
),

with_near_cap as (
    select
        concentration.*,
        greatest(concentration.re_loan_cap_used_pct, concentration.personal_housing_cap_used_pct)
            as cap_used_max_pct,
        near_cap.near_cap_used_pct
    from concentration
    left join near_cap
        on concentration.period_start >= near_cap.valid_from
        and (near_cap.valid_to is null or concentration.period_start <= near_cap.valid_to)
)

select
    *,
    coalesce(cap_used_max_pct >= near_cap_used_pct, false) as is_near_cap
from with_near_cap
