{#
    保交楼风险评分 — one row per project × month under presale-fund supervision: the score (0–100,
    the sum of the components' points, policy_delivery_risk_components), its band
    (policy_delivery_risk_bands) and the explanation in words, the components that score named
    with their value and points, largest first. Grain: project_id + period_start.
#}
with

components as (
    select * from {{ ref('int_evaluation__delivery_risk_components') }}
),

bands as (
    select * from {{ ref('policy_delivery_risk_bands') }}
),

explained as (
    select
        components.*,
        components.label_zh || ' ' || {{ number_text_by('components.signal_value', 'components.display_decimals') }}
            || coalesce(components.unit_zh, '') || '（' || {{ number_text('components.points', 1) }} || '分）'
            as phrase_zh
    from components
),

scores as (
    select
        period_start,
        project_id,
        max(project_name) as project_name,
        max(district_code) as district_code,
        max(district_name) as district_name,
        sum(points) as risk_score,
        max(points) filter (where component = 'deposit') as deposit_points,
        max(points) filter (where component = 'balance') as balance_points,
        max(points) filter (where component = 'release') as release_points,
        max(points) filter (where component = 'construction') as construction_points,
        max(points) filter (where component = 'delivery') as delivery_points,
        max(points) filter (where component = 'developer') as developer_points,
        string_agg(phrase_zh, '；' order by points desc, component) filter (where round(points, 1) > 0) as explanation_zh
    from explained
    group by period_start, project_id
)

select
    'month' as period_grain,
    scores.period_start,
    scores.project_id,
    scores.project_name,
    scores.district_code,
    scores.district_name,
    scores.risk_score,
    bands.band_code as risk_band,
    bands.band_label_zh as risk_band_zh,
    bands.level as risk_level,
    coalesce(scores.deposit_points, 0) as deposit_points,
    coalesce(scores.balance_points, 0) as balance_points,
    coalesce(scores.release_points, 0) as release_points,
    coalesce(scores.construction_points, 0) as construction_points,
    coalesce(scores.delivery_points, 0) as delivery_points,
    coalesce(scores.developer_points, 0) as developer_points,
    coalesce(scores.explanation_zh, '各项监管指标正常') as explanation_zh
from scores
left join bands
    on scores.risk_score >= bands.min_score_inclusive
    and scores.risk_score < bands.max_score_exclusive
    and scores.period_start >= bands.valid_from
    and (bands.valid_to is null or scores.period_start <= bands.valid_to)
