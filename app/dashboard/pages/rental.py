"""租赁 Rental: registrations and rent per ㎡, the repeat-rent index, yields on matched
communities."""

from __future__ import annotations

import streamlit as st

from app.dashboard.market import MarketSpec, Metric, market_page
from app.dashboard.widgets import scoped, table

RENT = Metric("rent_yuan_per_sqm_month", "租金（元/㎡·月）", "Rent (yuan/㎡·month)", "rent")
SPEC = MarketSpec(
    key="rental",
    title="page_rental",
    table="fct_rental_registrations",
    headline=RENT,
    metrics=(
        Metric("registrations", "备案笔数", "Registrations", "count"),
        RENT,
        Metric("rent_vs_guide_pct", "租金/指导价", "Rent vs guide", "pct"),
    ),
    index_market="rent",
)

scope = market_page(SPEC)
if scope is not None and scope.geo_level != "block":
    st.subheader("租金收益率（匹配小区）" if st.session_state.get("lang") != "en"
                 else "Gross yields (matched communities)")  # fmt: skip
    yields = scoped("fct_rental_yields", scope)
    table(yields, f"rental_yields_{scope.grain}")
