"""The analysts' dashboard: `streamlit run app/dashboard/main.py` (or `housewatch app`).

Chinese first with an English switch; every page reads the published analytics.duckdb only.
"""

from __future__ import annotations

import streamlit as st

from app.catalog import t
from app.dashboard.widgets import lang

st.set_page_config(
    page_title="南通房地产市场监测 HouseWatch", page_icon=":material/home:", layout="wide"
)

PAGES = {
    "section_market": [
        ("pages/overview.py", "page_overview", "", ":material/dashboard:"),
        ("pages/new_homes.py", "page_new_homes", "new_homes", ":material/apartment:"),
        ("pages/resale.py", "page_resale", "resale", ":material/holiday_village:"),
        ("pages/rental.py", "page_rental", "rental", ":material/key:"),
        ("pages/land.py", "page_land", "land", ":material/landscape:"),
        ("pages/credit.py", "page_credit", "credit", ":material/account_balance:"),
        ("pages/supply.py", "page_supply", "supply", ":material/inventory_2:"),
    ],
    "section_control": [
        ("pages/alerts.py", "page_alerts", "alerts", ":material/warning:"),
        ("pages/escrow.py", "page_escrow", "escrow", ":material/account_balance_wallet:"),
        ("pages/assessment.py", "page_assessment", "assessment", ":material/fact_check:"),
        ("pages/indices.py", "page_indices", "indices", ":material/show_chart:"),
    ],
    "section_data": [
        ("pages/sql.py", "page_sql", "sql", ":material/terminal:"),
        ("pages/status.py", "page_status", "status", ":material/monitor_heart:"),
    ],
}

if "lang" not in st.session_state:
    st.session_state["lang"] = "zh"
with st.sidebar:
    st.radio(
        t("language", lang()),
        ("zh", "en"),
        format_func=lambda x: "中文" if x == "zh" else "English",
        key="lang",
        horizontal=True,
    )
current = lang()
nav = st.navigation(
    {
        t(section, current): [
            st.Page(path, title=t(title, current), url_path=url or None, icon=icon,
                    default=not url)
            for path, title, url, icon in pages
        ]
        for section, pages in PAGES.items()
    },
    expanded=True,  # thirteen pages: Streamlit would fold all past the tenth behind "View more"
)  # fmt: skip
nav.run()
