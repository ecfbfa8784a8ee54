"""二手房 Second-hand: existing-home contracts, the repeat-sales index beside the raw average."""

from __future__ import annotations

from app.dashboard.market import MarketSpec, Metric, market_page

PRICE = Metric("avg_price_yuan_per_sqm", "成交均价", "Average price", "price")
SPEC = MarketSpec(
    key="resale",
    title="page_resale",
    table="fct_resale_sales",
    extra="band_type = 'all'",
    headline=PRICE,
    metrics=(
        Metric("units", "成交套数", "Units sold", "count"),
        Metric("area_sqm", "成交面积", "Area sold", "area"),
        PRICE,
        Metric("new_to_resale_price_ratio", "新房/二手价比", "New-to-resale ratio"),
    ),
    index_market="resale",
    bands=True,
    table_columns=("period_start", "geo_name", "units", "area_sqm", "amount_yuan",
                   "avg_price_yuan_per_sqm", "median_price_yuan_per_sqm", "communities",
                   "new_to_resale_price_ratio", "units_yoy_pct",
                   "avg_price_yuan_per_sqm_yoy_pct"),
)  # fmt: skip

market_page(SPEC)
