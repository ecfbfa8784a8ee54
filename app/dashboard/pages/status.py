"""数据状态 Data status: freshness per source, data gaps and checks, quarantine, the batch ledger.

Everything comes from the published warehouse as of the last build (fct_source_loads,
fct_load_batches, fct_data_quality, fct_data_tests): files loaded since then appear after the
next build. The pipeline's own files (ledger, landing, build database, lock) are not read here;
`housewatch status` reports those.
"""

from __future__ import annotations

import streamlit as st

from app.dashboard.widgets import lang, q, require_warehouse, tr
from serving import warehouse


def render() -> None:
    st.title(tr("page_status"))
    if not require_warehouse():
        return
    st.caption(tr("status_as_of_build"))
    st.subheader(tr("last_build"))
    st.metric(tr("published_at"), warehouse.published_at().isoformat(timespec="seconds"))
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
    st.dataframe(
        q(
            "select data_source, files, rows_read, rows_loaded, rows_quarantined, rows_duplicate,"
            " first_month, last_month, quarantine_share_pct, last_loaded_at from fct_source_loads"
            " order by data_source"
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "first_month": st.column_config.DateColumn(format="YYYY-MM"),
            "last_month": st.column_config.DateColumn(format="YYYY-MM"),
            "quarantine_share_pct": st.column_config.NumberColumn(format="%.2f%%"),
        },
    )
    st.subheader(tr("quarantine"))
    quarantined = q(
        "select batch_id, data_source, file_name, rows_quarantined, quarantine_reasons_json "
        "from fct_load_batches where rows_quarantined > 0 order by batch_id"
    )
    if quarantined.height:
        st.dataframe(quarantined, hide_index=True, width="stretch")
    quality = q(
        "select period_start, data_source, data_source_name_zh, records_landed, "
        "records_vs_trailing_pct, quarantine_share_pct from fct_data_quality "
        "where period_grain = 'month' order by period_start desc, data_source limit 60"
    )
    st.dataframe(quality, hide_index=True, width="stretch")
    st.subheader(tr("ledger"))
    batches = q(
        "select batch_id, data_source, file_name, status, rows_read, rows_loaded, "
        "rows_quarantined, rows_duplicate, finished_at, message from fct_load_batches "
        "order by batch_id"
    )
    if batches.height:
        st.dataframe(batches, hide_index=True, width="stretch")
    else:
        st.info(tr("no_batches"))


render()
