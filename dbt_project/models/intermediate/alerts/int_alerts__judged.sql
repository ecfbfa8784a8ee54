{#
    One row per alert: a rule × entity (area, bank or parcel) × month where a threshold of the
    rule is met, the most severe level winning. Thresholds come from alert_thresholds; a
    district's own row (一城一策) replaces the city-wide row of the same rule and level. A rule
    with persistence_months = n alerts from the n-th consecutive month its thresholds are met;
    months_running counts the consecutive months so far.
#}

{{ config(materialized='table') }}

{#- A number as text: whole numbers without decimals (6, not 6.0), else rounded to DIGITS. -#}
{%- set number_text -%}
    case
        when round(EXPR, DIGITS) = round(EXPR, 0) then cast(cast(round(EXPR, 0) as bigint) as string)
        else cast(round(EXPR, DIGITS) as string)
    end
{%- endset %}
{#- DuckDB and Spark both need a literal scale for round(): one branch per supported decimals. -#}
{%- set observed_text -%}
    case coalesce(display_decimals, 1)
        {%- for d in range(4) %}
        when {{ d }} then {{ number_text | replace('EXPR', 'observed_value') | replace('DIGITS', d | string) }}
        {%- endfor %}
        else {{ number_text | replace('EXPR', 'observed_value') | replace('DIGITS', '4') }}
    end
{%- endset %}

with

observations as (
    select * from {{ ref('int_alerts__observations') }}
    where is_sample_sufficient and observed_value is not null
),

rules as (
    select * from {{ ref('alert_rules') }}
),

thresholds as (
    select * from {{ ref('alert_thresholds') }}
),

levels as (
    select * from {{ ref('alert_levels') }}
),

candidates as (
    select
        observations.*,
        thresholds.level,
        thresholds.comparator,
        thresholds.threshold as threshold_value,
        thresholds.district_code as threshold_district_code,
        thresholds.meaning_zh,
        thresholds.meaning_en,
        case
            when observations.threshold_basis = 'absolute' then thresholds.threshold
            else thresholds.threshold * observations.base_value / 100.0
        end as effective_threshold
    from observations
    inner join thresholds
        on thresholds.rule_id = observations.rule_id
        and (thresholds.district_code is null or thresholds.district_code = observations.district_code)
        and observations.period_start >= thresholds.valid_from
        and (thresholds.valid_to is null or observations.period_start <= thresholds.valid_to)
),

with_overrides as (
    select
        candidates.*,
        max(case when threshold_district_code is not null then 1 else 0 end) over (
            partition by rule_id, entity_type, entity_id, period_grain, period_start, level
        ) as has_district_override
    from candidates
),

met as (
    select *
    from with_overrides
    where (threshold_district_code is not null or has_district_override = 0)
        and {{ meets_threshold('observed_value', 'comparator', 'effective_threshold') }}
),

ranked as (
    select
        met.*,
        levels.severity,
        levels.level_zh,
        levels.level_en,
        row_number() over (
            partition by met.rule_id, met.entity_type, met.entity_id, met.period_grain, met.period_start
            order by
                levels.severity desc,
                case when met.direction = 'high' then met.effective_threshold else -met.effective_threshold end desc nulls last
        ) as level_rank
    from met
    inner join levels on levels.level = met.level
),

fired as (
    select
        ranked.*,
        case period_grain
            when 'year' then extract(year from period_start)
            when 'quarter' then extract(year from period_start) * 4 + extract(quarter from period_start)
            else extract(year from period_start) * 12 + extract(month from period_start)
        end as period_number
    from ranked
    where level_rank = 1
),

policy_fired as (
    -- what a statistical rule defers to: any rule of the families in its overridden_by
    select distinct fired.rule_family, fired.entity_type, fired.entity_id, fired.period_grain, fired.period_start
    from fired
),

kept as (
    select fired.*
    from fired
    inner join rules
        on rules.rule_id = fired.rule_id
        and fired.period_start >= rules.valid_from
        and (rules.valid_to is null or fired.period_start <= rules.valid_to)
    where not exists (
        select 1
        from policy_fired
        where policy_fired.entity_type = fired.entity_type
            and policy_fired.entity_id = fired.entity_id
            and policy_fired.period_grain = fired.period_grain
            and policy_fired.period_start = fired.period_start
            and list_contains(string_split(coalesce(rules.overridden_by, ''), ';'), policy_fired.rule_family)
    )
),

islands as (
    select
        kept.*,
        period_number - row_number() over (
            partition by rule_id, entity_type, entity_id, period_grain order by period_start
        ) as run_key
    from kept
),

runs as (
    select
        islands.*,
        row_number() over (
            partition by rule_id, entity_type, entity_id, period_grain, run_key order by period_start
        ) as months_running,
        min(period_start) over (
            partition by rule_id, entity_type, entity_id, period_grain, run_key
        ) as run_start_period,
        max(period_start) over (
            partition by rule_id, entity_type, entity_id, period_grain, run_key
        ) as run_end_period
    from islands
),

alerts as (
    select
        runs.*,
        rules.name_zh as rule_name_zh,
        rules.name_en as rule_name_en,
        rules.indicator_zh,
        rules.indicator_en,
        coalesce(rules.unit_zh, '') as unit_zh,
        coalesce(rules.unit_en, '') as unit_en,
        rules.display_decimals,
        case when coalesce(rules.unit_zh, '') in ('%', '') then '' else ' ' end as unit_gap,
        case runs.period_grain
            when 'year' then concat(cast(extract(year from runs.period_start) as string), '年')
            else substring(cast(runs.period_start as string), 1, 7)
        end as period_label,
        case runs.entity_type
            when 'institution' then runs.entity_name
            when 'parcel' then concat(runs.geo_name, ' ', runs.entity_id)
            when 'project' then concat(runs.geo_name, ' ', runs.entity_name)
            when 'buyer' then concat(runs.geo_name, ' ', runs.entity_name)
            when 'source' then concat('数据源 ', runs.entity_name)
            else runs.geo_name
        end as place_label
    from runs
    inner join rules
        on rules.rule_id = runs.rule_id
        and runs.period_start >= rules.valid_from
        and (rules.valid_to is null or runs.period_start <= rules.valid_to)
    where runs.months_running >= runs.persistence_months
)

select
    {{ dbt.hash("concat(rule_id, '|', geo_code, '|', entity_id, '|', period_grain, '|', cast(period_start as string))") }} as alert_id,
    rule_id,
    rule_family,
    rule_name_zh,
    rule_name_en,
    indicator,
    period_grain,
    period_start,
    geo_level,
    geo_code,
    geo_name,
    entity_type,
    entity_id,
    entity_name,
    district_code,
    institution_id,
    parcel_id,
    observed_value,
    base_value,
    sample_size,
    level,
    severity,
    comparator,
    threshold_value,
    effective_threshold,
    threshold_district_code,
    cast(months_running as bigint) as months_running,
    run_start_period,
    run_end_period,
    concat(
        place_label, ' ', period_label, ' ', indicator_zh, ' ',
        {{ observed_text }}, unit_gap, unit_zh, '，',
        case comparator when '>' then '高于' when '>=' then '不低于' when '<' then '低于' else '不高于' end, ' ',
        {{ number_text | replace('EXPR', 'effective_threshold') | replace('DIGITS', '2') }}, unit_gap, unit_zh,
        '（', level_zh, '，', meaning_zh, '）'
    ) as explanation_zh,
    concat(
        place_label, ' ', period_label, ': ', indicator_en, ' ',
        {{ observed_text }}, unit_gap, unit_en, ', ',
        case comparator when '>' then 'above' when '>=' then 'at or above' when '<' then 'below' else 'at or below' end, ' ',
        {{ number_text | replace('EXPR', 'effective_threshold') | replace('DIGITS', '2') }}, unit_gap, unit_en,
        ' (', level_en, ': ', meaning_en, ')'
    ) as explanation_en
from alerts
