"""Analysts' alert reviews (acknowledge, assign, comment) in HOUSEWATCH_HOME/app_state.duckdb.

Kept apart from the warehouse: the pipeline replaces analytics.duckdb on every publish, while this
file is the app's own and is never touched by a build. Reviews are keyed by the stable alert_id
(a hash of rule, period and entity), so they reattach to the same alert after any rebuild.
The history is append-only: the latest row per alert is its current status.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import duckdb
import polars as pl

from core.settings import paths

STATUSES = ("open", "acknowledged", "resolved")
_lock = threading.Lock()  # one writer at a time inside the app process

DDL = """
create table if not exists alert_reviews (
    review_id    bigint primary key,
    alert_id     varchar not null,
    status       varchar not null,
    assignee     varchar,
    comment      varchar,
    reviewer     varchar,
    created_at   timestamp not null
)
"""


def state_path(home: str | Path | None = None) -> Path:
    return paths(home).app_state


def _connect(home: str | Path | None) -> duckdb.DuckDBPyConnection:
    path = state_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute(DDL)
    return con


def add_review(
    alert_id: str,
    status: str,
    assignee: str | None = None,
    comment: str | None = None,
    reviewer: str | None = None,
    home: str | Path | None = None,
) -> int:
    """Append one review; returns its id. Status must be open / acknowledged / resolved."""
    if status not in STATUSES:
        raise ValueError(f"status {status!r}: expected one of {', '.join(STATUSES)}")
    if not alert_id:
        raise ValueError("alert_id is required")
    with _lock:
        con = _connect(home)
        try:
            next_id = con.sql("select coalesce(max(review_id), 0) + 1 from alert_reviews")
            review_id = int(next_id.fetchall()[0][0])
            con.execute(
                "insert into alert_reviews values (?, ?, ?, ?, ?, ?, ?)",
                [review_id, alert_id, status, assignee or None, comment or None,
                 reviewer or None, dt.datetime.now()],
            )  # fmt: skip
        finally:
            con.close()
    return review_id


def history(alert_id: str, home: str | Path | None = None) -> pl.DataFrame:
    """Every review of one alert, newest first."""
    with _lock:
        con = _connect(home)
        try:
            return con.sql(
                "select * from alert_reviews where alert_id = ? order by review_id desc",
                params=[alert_id],
            ).pl()
        finally:
            con.close()


def latest_status(home: str | Path | None = None) -> pl.DataFrame:
    """alert_id, status, assignee of the latest review of every reviewed alert."""
    with _lock:
        con = _connect(home)
        try:
            return con.sql(
                "select alert_id, status, assignee from alert_reviews "
                "qualify row_number() over (partition by alert_id order by review_id desc) = 1"
            ).pl()
        finally:
            con.close()
