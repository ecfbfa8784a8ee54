{#
    1–N月平均 (上年同期=100), the NBS-style year-to-date index: the mean index level of the months
    from January to the period's last month, over the mean of the same months a year earlier,
    × 100. One row per row of fct_price_indices (a quarter or year reads its last month: 1–3月,
    1–12月 …). Null when the year before lacks any of those months (the series starts later):
    a mean of fewer months would not be 上年同期.
#}
with

indices as (
    select * from {{ ref('fct_price_indices') }}
),

monthly as (
    select market, method, band, geo_code, period_start, index_value
    from indices
    where period_grain = 'month'
),

periods as (
    select
        market,
        method,
        band,
        geo_level,
        geo_code,
        geo_name,
        period_grain,
        period_start,
        is_headline,
        cast(
            {{ dbt.dateadd('month', "case period_grain when 'quarter' then 2 when 'year' then 11 else 0 end", 'period_start') }}
            as date
        ) as ytd_through_month
    from indices
),

windows as (
    select
        periods.*,
        cast({{ dbt.date_trunc('year', 'periods.ytd_through_month') }} as date) as ytd_first_month,
        cast({{ dbt.dateadd('month', -12, dbt.date_trunc('year', 'periods.ytd_through_month')) }} as date)
            as prior_first_month,
        cast({{ dbt.dateadd('month', -12, 'periods.ytd_through_month') }} as date) as prior_through_month
    from periods
),

averaged as (
    select
        windows.market,
        windows.method,
        windows.band,
        windows.geo_level,
        windows.geo_code,
        windows.geo_name,
        windows.period_grain,
        windows.period_start,
        windows.is_headline,
        windows.ytd_through_month,
        avg(monthly.index_value) filter (
            where monthly.period_start >= windows.ytd_first_month
            and monthly.period_start <= windows.ytd_through_month
        ) as ytd_mean_index_value,
        avg(monthly.index_value) filter (
            where monthly.period_start >= windows.prior_first_month
            and monthly.period_start <= windows.prior_through_month
        ) as prior_ytd_mean_index_value,
        count(monthly.period_start) filter (
            where monthly.period_start >= windows.prior_first_month
            and monthly.period_start <= windows.prior_through_month
        ) as prior_ytd_months
    from windows
    left join monthly
        on monthly.market = windows.market
        and monthly.method = windows.method
        and monthly.band = windows.band
        and monthly.geo_code = windows.geo_code
        and monthly.period_start >= windows.prior_first_month
        and monthly.period_start <= windows.ytd_through_month
    group by
        windows.market, windows.method, windows.band, windows.geo_level, windows.geo_code,
        windows.geo_name, windows.period_grain, windows.period_start, windows.is_headline,
        windows.ytd_through_month
)

select
    cast(market as string) as market,
    cast(method as string) as method,
    cast(band as string) as band,
    cast(geo_level as string) as geo_level,
    cast(geo_code as string) as geo_code,
    cast(geo_name as string) as geo_name,
    cast(period_grain as string) as period_grain,
    cast(period_start as date) as period_start,
    cast(ytd_through_month as date) as ytd_through_month,
    cast(extract(month from ytd_through_month) as bigint) as ytd_months,
    cast(ytd_mean_index_value as double) as ytd_mean_index_value,
    cast(prior_ytd_mean_index_value as double) as prior_ytd_mean_index_value,
    cast(prior_ytd_months as bigint) as prior_ytd_months,
    cast(
        case
            when prior_ytd_months = extract(month from ytd_through_month)
                then ytd_mean_index_value / nullif(prior_ytd_mean_index_value, 0) * 100
        end as double
    ) as ytd_index,
    cast(is_headline as boolean) as is_headline
from averaged
