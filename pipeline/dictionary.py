"""The data dictionary, generated from the published database's own comments (which dbt's
persist_docs wrote from the model YAML), so it can never drift from what analysts query.

    python -m pipeline.dictionary [ANALYTICS_DB] [OUT.md]
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from core.settings import paths

HEADER = """# HouseWatch data dictionary (数据字典)

Generated from `analytics.duckdb` by `housewatch build` (also `make docs`); do not edit by hand.
Tables in `main` are the marts analysts query; `reference` holds the dated, sourced policy seeds.
Query it read-only, e.g. `duckdb.connect("data/analytics.duckdb", read_only=True)` in Python.
"""


def _cell(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def data_dictionary(analytics_db: Path) -> str:
    con = duckdb.connect(str(analytics_db), read_only=True)
    try:
        tables = con.sql(
            "select schema_name, table_name, comment from duckdb_tables()"
            " order by schema_name = 'reference', schema_name, table_name"
        ).fetchall()
        lines = [HEADER]
        for schema, table, comment in tables:
            name = table if schema == "main" else f"{schema}.{table}"
            lines += [f"## `{name}`", "", _cell(comment) or "(no description)", ""]
            lines += ["| column | type | description |", "|---|---|---|"]
            columns = con.sql(
                "select column_name, data_type, comment from duckdb_columns()"
                " where schema_name = $s and table_name = $t order by column_index",
                params={"s": schema, "t": table},
            ).fetchall()
            lines += [f"| `{c}` | {t} | {_cell(d)} |" for c, t, d in columns]
            lines.append("")
        return "\n".join(lines)
    finally:
        con.close()


def write_dictionary(analytics_db: Path, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(data_dictionary(analytics_db), encoding="utf-8")
    return out


if __name__ == "__main__":  # pragma: no cover
    home = paths()
    db = Path(sys.argv[1]) if len(sys.argv) > 1 else home.analytics_db
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("docs/DATA_DICTIONARY.md")
    print(write_dictionary(db, target))
