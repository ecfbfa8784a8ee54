{#
    季度评价明细: one row per complete quarter × district × indicator in force. The observed value
    falls in exactly one score band of evaluation_score_bands (lower limit inclusive, upper
    exclusive; limits absolute or a % of the district's control-band bounds); weighted_score =
    weight × score. A value that is missing (or a control band that is) leaves the row in place
    with is_missing, a reason and a null score: it is never scored as healthy or as risk.
#}
with

observations as (
    select * from {{ ref('int_evaluation__observations') }}
),

indicators as (
    select * from {{ ref('evaluation_indicators') }}
),

bands as (
    select * from {{ ref('evaluation_score_bands') }}
),

described as (
    select
        observations.*,
        extract(year from observations.period_quarter) as period_year,
        indicators.name_zh,
        indicators.name_en,
        coalesce(indicators.unit_zh, '') as unit_zh,
        coalesce(indicators.unit_en, '') as unit_en,
        indicators.display_decimals,
        indicators.source_model,
        indicators.direction,
        indicators.no_data_note_zh,
        indicators.no_data_note_en,
        case when coalesce(indicators.unit_zh, '') in ('%', '') then '' else ' ' end as unit_gap
    from observations
    inner join indicators
        on indicators.indicator_code = observations.indicator_code
        and observations.period_quarter >= indicators.valid_from
        and (indicators.valid_to is null or observations.period_quarter <= indicators.valid_to)
),

band_limits as (
    select
        described.period_quarter,
        described.district_code,
        described.indicator_code,
        bands.score,
        bands.band_code,
        bands.band_label_zh,
        bands.band_label_en,
        bands.lower_limit is null as is_open_below,
        bands.upper_limit is null as is_open_above,
        coalesce(bands.lower_basis, '') like 'pct_of_target%' or coalesce(bands.upper_basis, '') like 'pct_of_target%' as is_relative,
        case bands.lower_basis
            when 'absolute' then bands.lower_limit
            when 'pct_of_target_min' then bands.lower_limit * described.target_min_pct / 100.0
            when 'pct_of_target_max' then bands.lower_limit * described.target_max_pct / 100.0
        end as band_lower,
        case bands.upper_basis
            when 'absolute' then bands.upper_limit
            when 'pct_of_target_min' then bands.upper_limit * described.target_min_pct / 100.0
            when 'pct_of_target_max' then bands.upper_limit * described.target_max_pct / 100.0
        end as band_upper,
        described.observed_value
    from described
    inner join bands
        on bands.indicator_code = described.indicator_code
        and described.period_quarter >= bands.valid_from
        and (bands.valid_to is null or described.period_quarter <= bands.valid_to)
),

matched as (
    select *
    from band_limits
    where observed_value is not null
        and (is_open_below or observed_value >= band_lower)
        and (is_open_above or observed_value < band_upper)
),

needs_target as (
    select distinct bands.indicator_code
    from bands
    where bands.lower_basis like 'pct_of_target%' or bands.upper_basis like 'pct_of_target%'
),

scored as (
    select
        described.*,
        matched.score,
        matched.band_code,
        matched.band_label_zh,
        matched.band_label_en,
        matched.band_lower,
        matched.band_upper,
        coalesce(matched.is_relative, false) as is_relative,
        case
            when described.observed_value is null then 'no_data'
            when needs_target.indicator_code is not null
                and (described.target_min_pct is null or described.target_max_pct is null) then 'no_control_target'
            when matched.score is null then 'no_band'
        end as missing_reason
    from described
    left join matched
        on matched.period_quarter = described.period_quarter
        and matched.district_code = described.district_code
        and matched.indicator_code = described.indicator_code
    left join needs_target
        on needs_target.indicator_code = described.indicator_code
),

texts as (
    select
        scored.*,
        {{ number_text_by('observed_value', 'display_decimals') }} as value_text,
        {{ number_text_by('band_lower', 'display_decimals') }} as lower_text,
        {{ number_text_by('band_upper', 'display_decimals') }} as upper_text,
        {{ number_text('weight', 2) }} as weight_text,
        case when target_min_pct is not null and target_max_pct is not null
            then concat({{ number_text('target_min_pct', 1) }}, '%~', {{ number_text('target_max_pct', 1) }}, '%') end as target_text
    from scored
)

select
    cast(period_quarter as date) as period_quarter,
    cast(period_year as integer) as period_year,
    cast(concat(cast(period_year as string), 'Q', cast(extract(quarter from period_quarter) as string)) as string) as quarter_label,
    cast(district_code as string) as district_code,
    cast(district_name as string) as district_name,
    cast(indicator_code as string) as indicator_code,
    cast(name_zh as string) as indicator_name_zh,
    cast(name_en as string) as indicator_name_en,
    cast(unit_zh as string) as unit_zh,
    cast(source_model as string) as source_model,
    cast(direction as string) as direction,
    cast(sort_order as integer) as sort_order,
    cast(observed_value as double) as observed_value,
    cast(target_min_pct as double) as target_min_pct,
    cast(target_max_pct as double) as target_max_pct,
    cast(sample_size as double) as sample_size,
    cast(missing_reason is not null as boolean) as is_missing,
    cast(missing_reason as string) as missing_reason,
    cast(score as integer) as score,
    cast(weight as double) as weight,
    cast(weight * score as double) as weighted_score,
    cast(band_code as string) as band_code,
    cast(band_lower as double) as band_lower,
    cast(band_upper as double) as band_upper,
    cast(case
        when missing_reason = 'no_control_target' then concat(
            name_zh, ' ', value_text, unit_gap, unit_zh, '：当年无调控目标，不计分，权重不参与折算')
        when missing_reason is not null then concat(
            name_zh, '：', coalesce(no_data_note_zh, '本季度无数据'), '，不计分，权重不参与折算')
        else concat(
            name_zh, ' ', value_text, unit_gap, unit_zh, '：', cast(score as string), '分（', band_label_zh,
            case when is_relative then concat('，即',
                case
                    when band_lower is null then concat('低于', upper_text, unit_gap, unit_zh)
                    when band_upper is null then concat('不低于', lower_text, unit_gap, unit_zh)
                    else concat(lower_text, '~', upper_text, unit_gap, unit_zh)
                end) else '' end,
            case when target_text is not null then concat('；调控目标 ', target_text) else '' end,
            '）× 权重', weight_text)
    end as string) as explanation_zh,
    cast(case
        when missing_reason = 'no_control_target' then concat(
            name_en, ' ', value_text, unit_gap, unit_en, ': no control target for the year; not scored, its weight is left out of the total')
        when missing_reason is not null then concat(
            name_en, ': ', coalesce(no_data_note_en, 'no data this quarter'), '; not scored, its weight is left out of the total')
        else concat(
            name_en, ' ', value_text, unit_gap, unit_en, ': score ', cast(score as string), ' (', band_label_en,
            case when is_relative then concat(', i.e. ',
                case
                    when band_lower is null then concat('below ', upper_text, unit_gap, unit_en)
                    when band_upper is null then concat(lower_text, unit_gap, unit_en, ' or more')
                    else concat(lower_text, ' to ', upper_text, unit_gap, unit_en)
                end) else '' end,
            case when target_text is not null then concat('; control band ', target_text) else '' end,
            ') × weight ', weight_text)
    end as string) as explanation_en
from texts
