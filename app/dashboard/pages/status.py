"""数据状态 Data status: the batch ledger, freshness per source, quarantine, last build/publish."""

from __future__ import annotations

import datetime as dt
import os

import polars as pl
import streamlit as st

from app.dashboard.widgets import lang, q, require_warehouse, tr
from core.settings import paths
from pipeline.status import status
from serving import warehouse


@st.cache_data(show_spinner=False, max_entries=4)
def _status(home: str, ledger_mtime: float, version: tuple) -> dict:
    """Cached on the ledger's mtime and the published version: both change when data moves."""
    del ledger_mtime, version
    return status(paths(home))


def _mtime(path: os.PathLike) -> str:
    try:
        return dt.datetime.fromtimestamp(os.stat(path).st_mtime).isoformat(timespec="seconds")
    except FileNotFoundError:
        return "—"


def render() -> None:
    st.title(tr("page_status"))
    if not require_warehouse():
        return
    p = paths()
    ledger_mtime = p.ledger.stat().st_mtime if p.ledger.exists() else 0.0
    info = _status(str(p.home), ledger_mtime, warehouse.version())
    st.subheader(tr("last_build"))
    c = st.columns(3)
    c[0].metric("build.duckdb", _mtime(p.build_db))
    c[1].metric(tr("published_at"), _mtime(p.analytics_db))
    c[2].metric("tables", (info.get("last_build") or {}).get("tables", "—"))
    st.subheader(tr("data_gaps"))
    gaps = q(
        "select data_source_name_zh, gap_message_zh, gap_message_en from fct_data_quality "
        "where period_start = (select max(period_start) from fct_data_quality) "
        "and gap_message_zh is not null order by data_source"
    )
    if gaps.height:
        for row in gaps.iter_rows(named=True):
            st.warning(row["gap_message_zh"] if lang() == "zh" else row["gap_message_en"])
    else:
        st.success(tr("no_data_gaps"))
    checks = q(
        "select model_name, column_name, test_kind, failing_rows, message from fct_data_tests "
        "where status = 'warn' order by model_name, column_name"
    )
    if checks.height:
        st.subheader(tr("data_checks"))
        st.dataframe(checks, hide_index=True, width="stretch")
    st.subheader(tr("freshness"))
    totals = pl.DataFrame(
        [{"source": k, **{f: v.get(f) for f in ("files", "read", "loaded", "quarantined",
                                              "duplicates", "first_month", "last_month",
                                              "quarantine_share")}}
         for k, v in info["totals"].items()]
    )  # fmt: skip
    st.dataframe(totals, hide_index=True, width="stretch")
    st.subheader(tr("quarantine"))
    batches = pl.DataFrame(info["batches"], infer_schema_length=None)
    if batches.height:
        quarantined = batches.filter(pl.col("quarantined") > 0).select(
            "batch_id", "source", "file_name", "quarantined", "reasons"
        )
        st.dataframe(quarantined, hide_index=True, width="stretch")
    quality = q(
        "select period_start, data_source, data_source_name_zh, records_landed, "
        "records_vs_trailing_pct, quarantine_share_pct from fct_data_quality "
        "where period_grain = 'month' order by period_start desc, data_source limit 60"
    )
    st.dataframe(quality, hide_index=True, width="stretch")
    st.subheader(tr("ledger"))
    if batches.height:
        st.dataframe(
            batches.select("batch_id", "source", "file_name", "status", "read", "loaded",
                           "quarantined", "duplicates", "finished_at", "message"),
            hide_index=True, width="stretch",
        )  # fmt: skip


render()
