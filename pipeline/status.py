"""What has been loaded: the ledger, totals and freshness per source (for `housewatch status`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import polars as pl

from core.lock import pipeline_busy
from core.settings import Paths
from ingest.ledger import INTERRUPTED, Ledger

COUNTS = ("read", "loaded", "quarantined", "duplicates", "blank_rows")
BATCH_FIELDS = (
    "batch_id", "file", "file_name", "source", "profile", "format", "encoding", *COUNTS,
    "reasons", "unknown_columns", "status", "message", "started_at", "finished_at", "seconds",
)  # fmt: skip


def _freshness(paths: Paths, source: str, committed: set[str]) -> dict[str, Any]:
    """Rows and months of the committed batches only (a killed load may have left more)."""
    files = [
        f
        for f in sorted((paths.landing / source).glob("batch_id=*/data.parquet"))
        if f.parent.name.removeprefix("batch_id=") in committed
    ]
    if not files:
        return {}
    scan = pl.scan_parquet(files)
    if "period_month" not in scan.collect_schema().names():
        return {"rows": scan.select(pl.len()).collect().item()}
    row = scan.select(
        pl.len().alias("rows"),
        pl.col("period_month").min().alias("first_month"),
        pl.col("period_month").max().alias("last_month"),
    ).collect()
    out = row.to_dicts()[0]
    return {k: (v.isoformat()[:7] if hasattr(v, "isoformat") else v) for k, v in out.items()}


def _last_build(paths: Paths) -> dict[str, Any] | None:
    """When analytics.duckdb was last published and what it holds."""
    if not paths.analytics_db.exists():
        return None
    import datetime as dt

    import duckdb

    published = dt.datetime.fromtimestamp(paths.analytics_db.stat().st_mtime, dt.UTC)
    con = duckdb.connect(str(paths.analytics_db), read_only=True)
    try:
        tables = con.sql("select count(*) from duckdb_tables()").fetchall()[0][0]
    finally:
        con.close()
    return {"published_at": published.isoformat(timespec="seconds"), "tables": tables}


def status(paths: Paths) -> dict[str, Any]:
    """Ledger rows plus per-source totals; stable keys, documented in the README."""
    batches = Ledger(paths.ledger).batches() if paths.ledger.exists() else []
    if not pipeline_busy(paths):  # nothing runs: a batch still 'loading' was killed
        for b in batches:
            if b.status == "loading":
                b.status, b.message = "failed", INTERRUPTED
    committed = {b.batch_id for b in batches if b.status == "loaded"}
    totals: dict[str, dict[str, Any]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0) | {"files": 0})
    for b in batches:
        if b.status != "loaded" or b.source is None:
            continue
        t = totals[b.source]
        t["files"] += 1
        for k in COUNTS:
            t[k] += getattr(b, k)
    for source, t in totals.items():
        t.update(_freshness(paths, source, committed))
        t["quarantine_share"] = round(t["quarantined"] / t["read"], 4) if t["read"] else 0.0
    return {
        "home": str(paths.home),
        "batches": [{k: b.to_dict()[k] for k in BATCH_FIELDS} for b in batches],
        "totals": dict(sorted(totals.items())),
        "last_build": _last_build(paths),
    }
