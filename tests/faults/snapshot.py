"""Published figures as comparable values: every table of analytics.duckdb, rows sorted, with
the columns that name a particular run (vintage batch ids, load times) left out."""

from __future__ import annotations

import math

import duckdb

from core.settings import Paths

RUN_COLUMNS = {"vintage", "first_vintage", "latest_vintage", "vintage_loaded_at"}
Snapshot = dict[str, list[tuple]]


def snapshot(home: Paths) -> Snapshot:
    con = duckdb.connect(str(home.analytics_db), read_only=True)
    try:
        tables = con.sql(
            "select schema_name, table_name from duckdb_tables()"
            " where database_name = current_database() order by all"
        ).fetchall()
        out: Snapshot = {}
        for schema, table in tables:
            columns = [
                c
                for (c,) in con.sql(
                    "select column_name from duckdb_columns() where schema_name = ?"
                    " and table_name = ? order by column_index",
                    params=[schema, table],
                ).fetchall()
                if c not in RUN_COLUMNS
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            rows = con.sql(f'select {select} from "{schema}"."{table}" order by all').fetchall()
            out[f"{schema}.{table}"] = rows
        return out
    finally:
        con.close()


def _same(a: tuple, b: tuple) -> bool:
    """Rows equal, floats to 1e-9 (relative, or absolute near zero): sums over threads differ in
    the last bits only (a revision of 0 can come out as -1.4e-14)."""
    return len(a) == len(b) and all(
        x == y
        or (
            isinstance(x, float)
            and isinstance(y, float)
            and math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
        )
        for x, y in zip(a, b, strict=True)
    )


def differences(actual: Snapshot, expected: Snapshot) -> list[str]:
    """Tables whose rows differ, with the first differing row (empty when the figures agree)."""
    out = [f"{t}: missing" for t in expected if t not in actual]
    out += [f"{t}: unexpected" for t in actual if t not in expected]
    for table in sorted(set(actual) & set(expected)):
        a, e = actual[table], expected[table]
        if len(a) != len(e):
            out.append(f"{table}: {len(a)} rows, expected {len(e)}")
            continue
        bad = next(((x, y) for x, y in zip(a, e, strict=True) if not _same(x, y)), None)
        if bad:
            out.append(f"{table}: row {bad[0]} where {bad[1]} was expected")
    return out
