{#
    Data-quality observations for int_alerts__observations, one row per indicator × data source ×
    month (columns as alert_observation makes them): a monthly source's records against its
    trailing 12-month mean (sample = the months behind that mean), and every source's quarantine
    share (sample = rows read that month). A source never delivered at all is judged like a
    monthly one, whatever its cadence: its records are 0 % of the (empty) trailing mean.
#}
with

quality as (
    select * from {{ ref('int_data_quality__source_months') }}
),

city as (
    select distinct geo_code, geo_name
    from {{ ref('int_geography__levels') }}
    where geo_level = 'city'
),

observations as (
    {{ alert_observation('source_records_vs_trailing_pct', 'source',
                         'quality cross join city where quality.is_expected_monthly or not quality.source_delivered',
                         'quality.records_vs_trailing_pct', alias='quality',
                         sample='quality.trailing_months') }}

    union all

    {{ alert_observation('source_quarantine_share_pct', 'source', 'quality cross join city',
                         'quality.quarantine_share_pct', alias='quality',
                         sample='quality.rows_read_attributed') }}
)

select * from observations
