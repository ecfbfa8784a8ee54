{#
    Data quality per source and month: what landed against what the source usually delivers,
    and the share of rows read that went to quarantine. Every month from the source's first
    month to the latest month any source has, zeros included, so a month whose file never
    arrived is a row with no records rather than a missing row.
#}

{{ config(materialized='table') }}

with

batch_months as (
    select * from {{ ref('int_data_quality__batch_months') }}
),

expectations as (
    select * from {{ ref('stg_registry__sources') }}
),

delivered as (
    select data_source, min(period_month) as first_month
    from batch_months
    group by data_source
),

source_spans as (
    select
        coalesce(delivered.data_source, expected.data_source) as data_source,
        coalesce(delivered.first_month, (select min(period_month) from batch_months)) as first_month,
        delivered.data_source is not null as source_delivered
    from delivered
    full outer join (select distinct data_source from expectations) as expected
        on expected.data_source = delivered.data_source
),

months as (
    {{ month_spine('(select min(period_month) from batch_months)',
                   '(select max(period_month) from batch_months)') }}
),

spine as (
    select source_spans.data_source, source_spans.source_delivered, months.month_start as period_start
    from source_spans
    inner join months on months.month_start >= source_spans.first_month
),

monthly as (
    select
        data_source,
        period_month as period_start,
        sum(records_landed) as records_landed,
        count(distinct batch_id) as batches,
        sum(rows_read_attributed) as rows_read_attributed,
        sum(rows_quarantined_attributed) as rows_quarantined_attributed,
        sum(rows_duplicate_attributed) as rows_duplicate_attributed
    from batch_months
    group by data_source, period_month
),

filled as (
    select
        spine.data_source,
        spine.source_delivered,
        spine.period_start,
        coalesce(monthly.records_landed, 0) as records_landed,
        coalesce(monthly.batches, 0) as batches,
        coalesce(monthly.rows_read_attributed, 0) as rows_read_attributed,
        coalesce(monthly.rows_quarantined_attributed, 0) as rows_quarantined_attributed,
        coalesce(monthly.rows_duplicate_attributed, 0) as rows_duplicate_attributed
    from spine
    left join monthly
        on monthly.data_source = spine.data_source
        and monthly.period_start = spine.period_start
),

with_trailing as (
    select
        filled.*,
        avg(records_landed) over (
            partition by data_source order by period_start
            rows between 12 preceding and 1 preceding
        ) as trailing_mean_records,
        count(*) over (
            partition by data_source order by period_start
            rows between 12 preceding and 1 preceding
        ) as trailing_months
    from filled
),

final as (
    select
        'month' as period_grain,
        with_trailing.period_start,
        with_trailing.data_source,
        expectations.name_zh as data_source_name_zh,
        expectations.name_en as data_source_name_en,
        expectations.expected_cadence,
        coalesce(expectations.expected_cadence = 'monthly', false) as is_expected_monthly,
        with_trailing.source_delivered,
        expectations.affects_zh,
        expectations.affects_en,
        case
            when not with_trailing.source_delivered
                then '本月未收到' || expectations.name_zh || '数据（尚未交付），' || expectations.affects_zh || '未计算'
            when expectations.expected_cadence = 'monthly' and with_trailing.records_landed = 0
                then '本月未收到' || expectations.name_zh || '数据，' || expectations.affects_zh || '暂缺'
        end as gap_message_zh,
        case
            when not with_trailing.source_delivered
                then expectations.name_en || ': never delivered; not computed: ' || expectations.affects_en
            when expectations.expected_cadence = 'monthly' and with_trailing.records_landed = 0
                then expectations.name_en || ': nothing this month; missing: ' || expectations.affects_en
        end as gap_message_en,
        cast(with_trailing.records_landed as bigint) as records_landed,
        cast(with_trailing.batches as bigint) as batches,
        with_trailing.trailing_mean_records,
        cast(with_trailing.trailing_months as bigint) as trailing_months,
        case
            when with_trailing.records_landed = 0 then 0.0
            else 100.0 * with_trailing.records_landed / nullif(with_trailing.trailing_mean_records, 0)
        end as records_vs_trailing_pct,
        with_trailing.rows_read_attributed,
        with_trailing.rows_quarantined_attributed,
        with_trailing.rows_duplicate_attributed,
        100.0 * with_trailing.rows_quarantined_attributed / nullif(with_trailing.rows_read_attributed, 0) as quarantine_share_pct
    from with_trailing
    left join expectations
        on expectations.data_source = with_trailing.data_source
        and with_trailing.period_start >= expectations.valid_from
        and (expectations.valid_to is null or with_trailing.period_start <= expectations.valid_to)
)

select * from final
