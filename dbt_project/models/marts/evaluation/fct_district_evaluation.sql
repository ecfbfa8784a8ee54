{#
    季度评价: one row per complete quarter × district. total_score is the weighted mean score of
    the scored indicators (Σ weight × score ÷ Σ weight of the scored ones): missing indicators
    drop out and the remaining weights renormalise, so the total stays on the 1–3 scale;
    weight_scored says how much of the configured weight stood behind it. The health label comes
    from evaluation_health_bands; the weakest item is the lowest score, the heaviest weight first.
#}
with

items as (
    select * from {{ ref('fct_district_evaluation_items') }}
),

health_bands as (
    select * from {{ ref('evaluation_health_bands') }}
),

totals as (
    select
        period_quarter,
        period_year,
        quarter_label,
        district_code,
        district_name,
        count(*) as items_total,
        sum(case when is_missing then 0 else 1 end) as items_scored,
        sum(weight) as weight_total,
        sum(case when is_missing then 0.0 else weight end) as weight_scored,
        sum(weighted_score) as weighted_score_sum,
        -- to 4 decimals: float noise must not push a 2.6 under the 2.6 cut-off or a 3 over 3
        round(sum(weighted_score) / nullif(sum(case when is_missing then 0.0 else weight end), 0), 4) as total_score
    from items
    group by period_quarter, period_year, quarter_label, district_code, district_name
),

weakest as (
    select
        period_quarter,
        district_code,
        indicator_code,
        indicator_name_zh,
        indicator_name_en,
        score,
        explanation_zh,
        explanation_en,
        row_number() over (
            partition by period_quarter, district_code
            order by score, weight desc, sort_order
        ) as weakness_rank
    from items
    where not is_missing
),

labelled as (
    select
        totals.*,
        health_bands.health_code,
        health_bands.label_zh as health_label_zh,
        health_bands.label_en as health_label_en,
        health_bands.signal_level
    from totals
    left join health_bands
        on totals.period_quarter >= health_bands.valid_from
        and (health_bands.valid_to is null or totals.period_quarter <= health_bands.valid_to)
        and (health_bands.min_score is null or totals.total_score >= health_bands.min_score)
        and (health_bands.max_score is null or totals.total_score < health_bands.max_score)
)

select
    cast(labelled.period_quarter as date) as period_quarter,
    cast(labelled.period_year as integer) as period_year,
    cast(labelled.quarter_label as string) as quarter_label,
    cast(labelled.district_code as string) as district_code,
    cast(labelled.district_name as string) as district_name,
    cast(labelled.total_score as double) as total_score,
    cast(labelled.health_code as string) as health_code,
    cast(labelled.health_label_zh as string) as health_label_zh,
    cast(labelled.health_label_en as string) as health_label_en,
    cast(labelled.signal_level as string) as signal_level,
    cast(case when labelled.total_score is not null then rank() over (
        partition by labelled.period_quarter order by labelled.total_score desc nulls last
    ) end as bigint) as district_rank,
    cast(labelled.items_total as bigint) as items_total,
    cast(labelled.items_scored as bigint) as items_scored,
    cast(labelled.weight_total as double) as weight_total,
    cast(labelled.weight_scored as double) as weight_scored,
    cast(labelled.weighted_score_sum as double) as weighted_score_sum,
    cast(weakest.indicator_code as string) as weakest_indicator_code,
    cast(weakest.indicator_name_zh as string) as weakest_indicator_name_zh,
    cast(weakest.indicator_name_en as string) as weakest_indicator_name_en,
    cast(weakest.score as integer) as weakest_score,
    cast(weakest.explanation_zh as string) as weakest_explanation_zh,
    cast(weakest.explanation_en as string) as weakest_explanation_en
from labelled
left join weakest
    on weakest.period_quarter = labelled.period_quarter
    and weakest.district_code = labelled.district_code
    and weakest.weakness_rank = 1
