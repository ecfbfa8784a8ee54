"""The analysts' dashboard: `streamlit run app/dashboard/main.py` (or `housewatch app`).

Chinese first with an English switch; every page reads the published analytics.duckdb only.
"""

from __future__ import annotations

import streamlit as st

from app.catalog import t
from app.dashboard.widgets import lang

st.set_page_config(page_title="南通房地产市场监测 HouseWatch", page_icon="🏠", layout="wide")

PAGES = {
    "section_market": [
        ("pages/overview.py", "page_overview", "", "📊"),
        ("pages/new_homes.py", "page_new_homes", "new_homes", "🏢"),
        ("pages/resale.py", "page_resale", "resale", "🏘️"),
        ("pages/rental.py", "page_rental", "rental", "🔑"),
        ("pages/land.py", "page_land", "land", "🗺️"),
        ("pages/credit.py", "page_credit", "credit", "🏦"),
        ("pages/supply.py", "page_supply", "supply", "📦"),
    ],
    "section_control": [
        ("pages/alerts.py", "page_alerts", "alerts", "🚨"),
        ("pages/assessment.py", "page_assessment", "assessment", "📋"),
        ("pages/indices.py", "page_indices", "indices", "📈"),
    ],
    "section_data": [
        ("pages/sql.py", "page_sql", "sql", "🧮"),
        ("pages/status.py", "page_status", "status", "🩺"),
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
    }
)  # fmt: skip
nav.run()
