{#
    Published as int_credit__bank_concentration computes it (one row per institution × period;
    the logic lives in the intermediate model so that other models read it there, never a
    published mart), plus the near-cap flag. Near a cap means where the concentration alert
    starts: the lowest threshold (% of a cap used) of the bank_concentration rules in force that
    month (alert_thresholds: 95, yellow), so the brief's list and the alerts never disagree.
#}
with

concentration as (
    select * from {{ ref('int_credit__bank_concentration') }}
),

concentration_rules as (
    select rule_id from {{ ref('alert_rules') }}
    where rule_family = 'bank_concentration' and threshold_basis = 'pct_of_upper_bound'
),

near_cap as (
    select
        thresholds.valid_from,
        thresholds.valid_to,
        min(thresholds.threshold) as near_cap_used_pct
    from {{ ref('alert_thresholds') }} as thresholds
    inner join concentration_rules on concentration_rules.rule_id = thresholds.rule_id
    group by thresholds.valid_from, thresholds.valid_to
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
