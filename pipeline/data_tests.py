"""The build's data tests as a published table: checks of data content warn instead of failing
the build (a bureau's odd month still publishes), so what they found must be kept and shown —
on the data-status page and in the brief — rather than left in a dbt log."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

TABLE = "marts.fct_data_tests"
COMMENT = (
    "数据检验结果 — one row per dbt data test of the last build: what it checks (test kind, model,"
    " column), its severity (error fails the build; warn is a check of data content that"
    " publishes anyway) and what it found (status pass/warn, failing rows)."
)
COLUMNS = {
    "test_name": ("varchar", "The dbt test's name (unique in a build)."),
    "test_kind": ("varchar", "Generic test (accepted_range, not_null, ...) or 'singular'."),
    "model_name": ("varchar", "Model or seed the test is attached to."),
    "column_name": ("varchar", "Column tested; null for a model-level test."),
    "severity": ("varchar", "error (fails the build) or warn (reported, publishes)."),
    "status": ("varchar", "pass or warn (a failing error-severity test stops the build)."),
    "failing_rows": ("bigint", "Rows that did not meet the test."),
    "message": ("varchar", "dbt's one-line result."),
}  # no build time here: a rebuild of the same data publishes the same table (fault suite)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _rows(target: Path) -> list[tuple]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    rows = []
    for result in results:
        node = nodes.get(result["unique_id"])
        if node is None or node.get("resource_type") != "test":
            continue
        attached = (node.get("attached_node") or "").split(".")[-1] or None
        kind = (node.get("test_metadata") or {}).get("name", "singular")
        message = " ".join((result.get("message") or "").split())
        rows.append((
            node["name"], kind, attached, node.get("column_name"),
            node["config"].get("severity", "error").lower(), result["status"],
            int(result.get("failures") or 0), message,
        ))  # fmt: skip
    return rows


def record_data_tests(target: Path, build_db: Path) -> int:
    """Write the last build's test results into the build database; returns the warnings."""
    rows = _rows(target)
    con = duckdb.connect(str(build_db))
    try:
        con.execute("create schema if not exists marts")
        columns = ", ".join(f"{name} {kind}" for name, (kind, _) in COLUMNS.items())
        con.execute(f"create or replace table {TABLE} ({columns})")
        if rows:
            con.executemany(f"insert into {TABLE} values ({', '.join('?' * len(COLUMNS))})", rows)
        con.execute(f"comment on table {TABLE} is {_quote(COMMENT)}")
        for name, (_, text) in COLUMNS.items():
            con.execute(f"comment on column {TABLE}.{name} is {_quote(text)}")
    finally:
        con.close()
    return sum(1 for r in rows if r[5] == "warn")
