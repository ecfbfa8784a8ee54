{#
    Each district's signal per month: the worst level among the month's monthly alerts that
    lead to the district (fct_alerts.district_code: its area, parcel or project alerts), and
    how many alerts there were. Worst = highest severity; between levels of equal severity
    (red and blue are both 4) the one listed first in alert_levels (sort_order) wins. Every
    district of dim_geography × every month the warehouse holds, so a quiet month is a row with
    no level and no alerts rather than a missing row.
#}
with

alerts as (
    select * from {{ ref('fct_alerts') }}
    where period_grain = 'month' and district_code is not null
),

levels as (
    select * from {{ ref('alert_levels') }}
),

districts as (
    select * from {{ ref('dim_geography') }}
),

quality as (
    select * from {{ ref('fct_data_quality') }}
),

held_months as (
    select period_start from quality
    union all
    select period_start from alerts
),

months as (
    {{ month_spine('(select min(period_start) from held_months)',
                   '(select max(period_start) from held_months)') }}
),

ranked as (
    select
        alerts.period_start,
        alerts.district_code,
        alerts.level,
        alerts.severity,
        row_number() over (
            partition by alerts.period_start, alerts.district_code
            order by alerts.severity desc, levels.sort_order asc
        ) as level_rank,
        count(*) over (partition by alerts.period_start, alerts.district_code) as alert_count
    from alerts
    inner join levels on levels.level = alerts.level
),

worst as (
    select period_start, district_code, level, severity, alert_count
    from ranked
    where level_rank = 1
),

spine as (
    select
        months.month_start as period_start,
        districts.district_code,
        districts.district_name,
        districts.sort_order
    from months
    cross join districts
)

select
    cast('month' as string) as period_grain,
    cast(spine.period_start as date) as period_start,
    cast(spine.district_code as string) as district_code,
    cast(spine.district_name as string) as district_name,
    cast(spine.sort_order as bigint) as district_sort_order,
    cast(worst.level as string) as worst_level,
    cast(worst.severity as integer) as worst_severity,
    cast(coalesce(worst.alert_count, 0) as bigint) as alert_count
from spine
left join worst
    on worst.period_start = spine.period_start
    and worst.district_code = spine.district_code
