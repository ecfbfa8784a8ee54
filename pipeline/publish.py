"""Publish: copy the marts (and reference seeds) from the build database into a new serving file,
with their descriptions as DuckDB comments, then atomically replace analytics.duckdb.

Readers hold analytics.duckdb read-only and keep their open inode until they reconnect; the build
database stays exclusive to the pipeline (ENGINEERING.md, concurrency).
"""

from __future__ import annotations

import os

import duckdb

from core.faults import crash_point
from core.settings import Paths

PUBLISHED_SCHEMAS = {"marts": "main", "reference": "reference"}


def _quote(text: str | None) -> str:
    return "'" + (text or "").replace("'", "''") + "'"


def publish(paths: Paths) -> list[str]:
    """Returns the published table names (schema.table for reference tables)."""
    nxt = paths.analytics_db.with_name("analytics_next.duckdb")
    for leftover in (nxt, nxt.with_name(nxt.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect(str(nxt))
    published: list[str] = []
    try:
        con.execute(f"attach {_quote(str(paths.build_db))} as build (read_only)")
        tables = con.sql(
            "select schema_name, table_name, comment from duckdb_tables() "
            "where database_name = 'build' and schema_name in ('marts', 'reference') "
            "order by schema_name, table_name"
        ).fetchall()
        for schema, table, comment in tables:
            target = PUBLISHED_SCHEMAS[schema]
            con.execute(f"create schema if not exists {target}")
            name = f"{target}.{table}"
            con.execute(f"create table {name} as select * from build.{schema}.{table}")
            con.execute(f"comment on table {name} is {_quote(comment)}")
            columns = con.sql(
                "select column_name, comment from duckdb_columns() where database_name = 'build'"
                f" and schema_name = {_quote(schema)} and table_name = {_quote(table)}"
            ).fetchall()
            for column, col_comment in columns:
                if col_comment:
                    con.execute(f"comment on column {name}.{column} is {_quote(col_comment)}")
            published.append(table if target == "main" else name)
            crash_point("publish")
        con.execute("detach build")
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(nxt, paths.analytics_db)
    return published
