with

source as (
    {{ committed_rows('developer_finance') }}
),

renamed as (
    select
        developer_id,
        developer,
        cast(period_quarter as date) as period_quarter_end,
        cast(total_assets_yuan as double) as total_assets_yuan,
        cast(total_liabilities_yuan as double) as total_liabilities_yuan,
        cast(advance_receipts_yuan as double) as advance_receipts_yuan,
        cast(equity_yuan as double) as equity_yuan,
        cast(cash_yuan as double) as cash_yuan,
        cast(short_term_debt_yuan as double) as short_term_debt_yuan,
        cast(interest_bearing_debt_yuan as double) as interest_bearing_debt_yuan,
        cast(overdue_commercial_paper_yuan as double) as overdue_commercial_paper_yuan,
        city_code,
        cast(period_month as date) as period_month,
        {{ lineage_columns() }}
    from source
)

select * from renamed
