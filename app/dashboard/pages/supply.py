"""供应与库存 Supply and stock: permits, sales, saleable stock and months of supply."""

from __future__ import annotations

from app.dashboard.market import MarketSpec, Metric, market_page

MOS = Metric("months_of_supply_12m_months", "去化周期（月）", "Months of supply", "months")
SPEC = MarketSpec(
    key="supply",
    title="page_supply",
    table="fct_housing_supply",
    headline=MOS,
    metrics=(
        Metric("permitted_residential_area_sqm", "批准预售面积", "Permitted area", "area"),
        Metric("sold_area_sqm", "成交面积", "Area sold", "area"),
        Metric("saleable_stock_area_sqm", "可售库存", "Saleable stock", "area"),
        MOS,
    ),
)

market_page(SPEC)
