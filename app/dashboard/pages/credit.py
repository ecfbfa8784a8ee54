"""信贷 Credit: city mortgage flows and real-estate loan shares, banks against their caps."""

from __future__ import annotations

import streamlit as st

from app.dashboard.market import MarketSpec, Metric, market_page
from app.dashboard.widgets import lang, q, table

SPEC = MarketSpec(
    key="credit",
    title="page_credit",
    table="fct_credit_market",
    headline=Metric("new_mortgage_yuan", "新增按揭", "New mortgages", "money"),
    metrics=(
        Metric("new_mortgage_yuan", "新增按揭", "New mortgages", "money"),
        Metric("re_loan_share_pct", "房地产贷款占比", "RE-loan share", "pct"),
        Metric("avg_mortgage_rate_pct", "平均按揭利率", "Mortgage rate", "pct"),
        Metric("banks_above_cap", "超上限银行数", "Banks above cap", "count"),
    ),
    levels=("city",),
)

scope = market_page(SPEC)
if scope is not None:
    st.subheader("银行集中度 Banks" if lang() == "zh" else "Banks against their caps")
    banks = q(
        "select period_start, institution_name, bank_tier, re_loan_share_pct, re_loan_cap_pct, "
        "personal_housing_share_pct, personal_housing_cap_pct, is_above_cap "
        "from fct_bank_concentration where period_grain = ? and period_start = "
        "(select max(period_start) from fct_bank_concentration where period_grain = ?) "
        "order by re_loan_cap_used_pct desc",
        [scope.grain, scope.grain],
    )
    table(banks, f"bank_concentration_{scope.grain}")
