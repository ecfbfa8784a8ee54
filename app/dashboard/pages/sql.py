"""SQL 工作台: schema browser with the dbt descriptions, and the guarded query box."""

from __future__ import annotations

import streamlit as st

from app.dashboard.widgets import downloads, q, require_warehouse, tr
from serving import sqlguard

EXAMPLE = (
    "select period_start, geo_name, units, avg_price_yuan_per_sqm\n"
    "from fct_new_home_sales\n"
    "where period_grain = 'month' and geo_level = 'district' and band_type = 'all'\n"
    "order by period_start desc, geo_name\nlimit 20"
)


def schema_browser() -> None:
    tables = q(
        "select schema_name, table_name, comment from duckdb_tables() "
        "where database_name = 'analytics' order by schema_name, table_name"
    )
    names = [
        f"{r['table_name']}"
        if r["schema_name"] == "main"
        else f"{r['schema_name']}.{r['table_name']}"
        for r in tables.to_dicts()
    ]
    chosen = st.selectbox(tr("schema_browser"), names, key="sql_table")
    schema, _, table = chosen.rpartition(".")
    schema = schema or "main"
    row = tables.filter((tables["schema_name"] == schema) & (tables["table_name"] == table)).row(
        0, named=True
    )
    st.caption(row["comment"] or "")
    columns = q(
        "select column_name, data_type, comment from duckdb_columns() "
        "where database_name = 'analytics' and schema_name = ? and table_name = ? "
        "order by column_index",
        [schema, table],
    )
    st.dataframe(columns, hide_index=True, width="stretch", height=260)


def render() -> None:
    st.title(tr("page_sql"))
    if not require_warehouse():
        return
    st.info(tr("sql_privacy"))
    schema_browser()
    sql = st.text_area(tr("query"), EXAMPLE, height=160, key="sql_text")
    if st.button(tr("run"), key="sql_run", type="primary"):
        try:
            result = sqlguard.run(sql)
        except sqlguard.QueryRefused as exc:
            st.error(str(exc))
            return
        st.caption(
            tr("rows_shown", n=result.frame.height, limit=sqlguard.LIMITS.row_limit)
            + f" · {result.seconds:.2f} s"
        )
        try:
            st.dataframe(result.frame, hide_index=True, width="stretch")
            downloads(result.frame, "query")
        except Exception as exc:  # a value the table or a download cannot take: one line
            st.error(sqlguard.describe(exc))


render()
