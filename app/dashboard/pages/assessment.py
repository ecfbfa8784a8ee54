"""考核 Assessment: quarterly evaluation scores and the annual assessment with its items."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app import charts
from app.dashboard.widgets import chart, lang, q, require_warehouse, table, tr


def evaluation() -> None:
    zh = lang()
    st.subheader(tr("evaluation"))
    quarters = q(
        "select distinct period_quarter, quarter_label from fct_district_evaluation "
        "order by period_quarter desc"
    )
    label = st.selectbox(tr("quarter"), quarters["quarter_label"].to_list(), key="ev_quarter")
    scores = q(
        "select district_rank, district_name, total_score, health_label_zh, health_label_en, "
        "signal_level, weakest_indicator_name_zh, weakest_indicator_name_en, "
        "weakest_explanation_zh, weakest_explanation_en, district_code "
        "from fct_district_evaluation where quarter_label = ? order by district_rank",
        [label],
    )
    chart(charts.district_bar(scores.rename({"district_name": "geo_name"}), zh,
                              value="total_score", x_title=tr("score")))  # fmt: skip
    suffix = "en" if zh == "en" else "zh"
    table(
        scores.select(
            "district_rank", "district_name", pl.col("total_score").round(2),
            f"health_label_{suffix}", f"weakest_indicator_name_{suffix}",
            f"weakest_explanation_{suffix}",
        ),
        f"evaluation_{label}",
    )  # fmt: skip
    district = st.selectbox(tr("district"), scores["district_name"].to_list(), key="ev_district")
    items = q(
        f"select indicator_name_{suffix} as indicator, observed_value, unit_zh, score, weight, "
        f"weighted_score, band_code, explanation_{suffix} as explanation "
        "from fct_district_evaluation_items where quarter_label = ? and district_name = ? "
        "order by sort_order",
        [label, district],
    )
    st.dataframe(items, hide_index=True, width="stretch")


def assessment() -> None:
    zh = lang()
    suffix = "en" if zh == "en" else "zh"
    st.subheader(tr("assessment"))
    years = q("select distinct assessment_year from fct_district_assessment order by 1 desc")[
        "assessment_year"
    ].to_list()
    year = st.selectbox(tr("year"), years, key="as_year")
    rows = q(
        "select geo_name, geo_level, overall_passed, items_passed, items_failed, "
        "items_not_assessable, failed_items_zh, geo_code from fct_district_assessment "
        "where assessment_year = ? order by geo_level, geo_code",
        [year],
    ).with_columns(
        pl.col("overall_passed").replace_strict(
            {True: "✅ " + tr("passed"), False: "❌ " + tr("failed")}, default="—"
        )
    )
    table(rows, f"assessment_{year}")
    area = st.selectbox(tr("geo_name"), rows["geo_name"].to_list(), key="as_geo")
    items = q(
        f"select item_name_{suffix} as item, observed_value, unit, target_lower, target_upper, "
        f"passed, not_assessable_reason_{suffix} as not_assessable, evidence_{suffix} as evidence "
        "from fct_district_assessment_items where assessment_year = ? and geo_name = ? "
        "order by sort_order",
        [year, area],
    )
    st.dataframe(items, hide_index=True, width="stretch")


def render() -> None:
    st.title(tr("page_assessment"))
    if not require_warehouse():
        return
    evaluation()
    assessment()


render()
