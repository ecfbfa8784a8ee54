"""新房 New homes: online contracts by period and geography, index beside the raw average."""

from __future__ import annotations

import streamlit as st

from app.dashboard.market import MarketSpec, Metric, market_page
from app.dashboard.widgets import q, table

PRICE = Metric("avg_price_yuan_per_sqm", "成交均价", "Average price", "price")
SPEC = MarketSpec(
    key="new_homes",
    title="page_new_homes",
    table="fct_new_home_sales",
    extra="band_type = 'all'",
    headline=PRICE,
    metrics=(
        Metric("units", "成交套数", "Units sold", "count"),
        Metric("area_sqm", "成交面积", "Area sold", "area"),
        PRICE,
        Metric("amount_yuan", "成交金额", "Amount", "money"),
    ),
    index_market="new_home",
    bands=True,
    table_columns=("period_start", "geo_name", "units", "area_sqm", "amount_yuan",
                   "avg_price_yuan_per_sqm", "median_price_yuan_per_sqm", "projects",
                   "units_yoy_pct", "avg_price_yuan_per_sqm_mom_pct",
                   "avg_price_yuan_per_sqm_yoy_pct"),
)  # fmt: skip

scope = market_page(SPEC)
if scope is not None and scope.geo_level in ("district", "block"):
    where = "district_name" if scope.geo_level == "district" else "block_name"
    st.subheader("项目排行 Projects" if st.session_state.get("lang") != "en" else "Projects")
    projects = q(
        "select period_start, project_name, district_name, block_name, units, area_sqm, "
        "avg_price_yuan_per_sqm, max_filed_price_yuan_per_sqm from fct_new_home_projects "
        f"where period_grain = ? and {where} = ? and period_start = "
        f"(select max(period_start) from fct_new_home_projects where period_grain = ?) "
        "order by area_sqm desc limit 50",
        [scope.grain, scope.geo_name, scope.grain],
    )
    table(projects, f"new_home_projects_{scope.grain}")
