"""土地 Land: residential land transactions, floor prices, premium and failed-auction rates."""

from __future__ import annotations

import streamlit as st

from app.dashboard.market import MarketSpec, Metric, market_page
from app.dashboard.widgets import lang, q, table

FLOOR = Metric("floor_price_yuan_per_sqm", "楼面价", "Floor price", "price")
SPEC = MarketSpec(
    key="land",
    title="page_land",
    table="fct_land_market",
    extra="use_group = 'residential'",
    headline=FLOOR,
    metrics=(
        Metric("parcels_sold", "成交宗数", "Parcels sold", "count"),
        Metric("land_revenue_yuan", "出让金", "Land revenue", "money"),
        FLOOR,
        Metric("premium_rate_pct", "溢价率", "Premium rate", "pct"),
        Metric("failed_share_pct", "流拍率", "Failed share", "pct"),
    ),
)

scope = market_page(SPEC)
if scope is not None:
    st.subheader("地块明细 Parcels" if lang() == "zh" else "Parcels")
    parcels = q(
        "select parcel_id, parcel_name, district_name, block_name, land_use, method, status, "
        "deal_date, site_area_sqm, plot_ratio, buildable_area_sqm, deal_price_yuan, "
        "floor_price_yuan_per_sqm, premium_rate_pct, land_to_house_price_ratio_pct "
        "from fct_land_parcels where deal_month >= ? order by deal_date desc",
        [scope.since],
    )
    table(parcels, "land_parcels")
