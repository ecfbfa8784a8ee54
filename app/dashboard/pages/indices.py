"""指数方法 Index methods: one series by every method, diagnostics, and its revision history."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app import charts
from app.dashboard.widgets import chart, lang, q, require_warehouse, table, tr

MARKETS = ("new_home", "resale", "rent")


def render() -> None:
    st.title(tr("page_indices"))
    if not require_warehouse():
        return
    zh = lang()
    c = st.columns(4)
    market = c[0].selectbox(tr("market"), MARKETS, format_func=lambda m: tr(f"market_{m}"),
                            key="ix_market")  # fmt: skip
    level = c[1].selectbox(tr("geo_level"), ("city", "urban", "district"),
                           format_func=lambda g: tr(f"geo_{g}"), key="ix_level")  # fmt: skip
    names = q(
        "select distinct geo_name from fct_price_indices where market = ? and geo_level = ? "
        "order by 1",
        [market, level],
    )["geo_name"].to_list()
    geo = c[2].selectbox(tr("geo_name"), names, key="ix_geo")
    grain = c[3].selectbox(tr("period_grain"), ("month", "quarter", "year"),
                           format_func=lambda g: tr(f"grain_{g}"), key="ix_grain")  # fmt: skip
    series = q(
        "select method, band, is_headline, period_start, index_value, mom_index, yoy_index, n, "
        "imputed from fct_price_indices where market = ? and geo_level = ? and geo_name = ? "
        "and period_grain = ? order by method, band, period_start",
        [market, level, geo, grain],
    )
    headline = series.filter(pl.col("is_headline"))["method"].unique().to_list()
    st.caption(f"{tr('headline_method')}: {', '.join(headline) or '—'}")
    all_band = series.filter(pl.col("band") == "all")
    chart(charts.index_line(all_band, zh, value="index_value", series="method",
                            title=tr("index")))  # fmt: skip
    chart(charts.index_line(all_band, zh, value="yoy_index", series="method",
                            y_title=tr("index_yoy"), reference=100.0))  # fmt: skip
    st.subheader(tr("diagnostics"))
    diag = (
        series.group_by("method", "band")
        .agg(
            pl.len().alias("periods"),
            pl.col("n").median().alias("median_n"),
            pl.col("n").min().alias("min_n"),
            pl.col("imputed").sum().alias("imputed_periods"),
            pl.col("mom_index").std().round(3).alias("mom_sd"),
        )
        .sort("method", "band")
    )
    st.dataframe(diag, hide_index=True, width="stretch")
    st.subheader(tr("vintages"))
    revisions = q(
        "select method, band, period_start, vintages, first_vintage, latest_vintage, "
        "first_mom_index, latest_mom_index, mom_revision_points, yoy_revision_points "
        "from fct_price_index_revisions where market = ? and geo_level = ? and geo_name = ? "
        "order by period_start desc, method, band",
        [market, level, geo],
    )
    table(revisions, f"index_revisions_{market}")
    vintages = q(
        "select vintage, data_through, method, band, period_start, index_value, mom_index, "
        "yoy_index, n from fct_price_index_vintages where market = ? and geo_level = ? "
        "and geo_name = ? order by vintage desc, period_start desc",
        [market, level, geo],
    )
    st.dataframe(vintages, hide_index=True, width="stretch")


render()
