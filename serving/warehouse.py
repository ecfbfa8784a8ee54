"""Read-only access to the published analytics database (HOUSEWATCH_HOME/analytics.duckdb).

Publishing replaces the file atomically (os.replace), so its inode and mtime name a version.
Every query opens its own connection attaching the current file read-only (connections are not
thread-safe and Streamlit serves sessions on threads) and results are cached per version: after a
publish the next call sees a new version and re-reads, without restarting the app, while a query
already running keeps its open inode and finishes on the old file.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from core.settings import paths

CACHE_SIZE = 512
Version = tuple[int, int, int]

_cache: OrderedDict[tuple, pl.DataFrame] = OrderedDict()
_lock = threading.Lock()


class NotPublished(RuntimeError):
    """No analytics.duckdb yet: the pipeline has not published a build."""


def db_path(home: str | Path | None = None) -> Path:
    """The published serving file under `home` (else $HOUSEWATCH_HOME)."""
    return paths(home).analytics_db


def version(home: str | Path | None = None) -> Version:
    """(inode, mtime_ns, size) of the published file: changes with every publish."""
    try:
        st = os.stat(db_path(home))
    except FileNotFoundError:
        raise NotPublished(f"{db_path(home)} does not exist: run housewatch build") from None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def published_at(home: str | Path | None = None) -> dt.datetime:
    """When the serving file was last replaced (local time)."""
    version(home)
    return dt.datetime.fromtimestamp(os.stat(db_path(home)).st_mtime)


def connect(home: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory connection with the published file attached read-only as `analytics`
    (the default catalog); the caller closes it.

    Not duckdb.connect(path): DuckDB shares one database instance per path inside a process, so
    while any connection is open every new one would keep seeing the file from before a publish.
    An in-memory connection attaching the file opens whatever the path names now.
    """
    path = db_path(home)
    if not path.exists():
        raise NotPublished(f"{path} does not exist: run housewatch build")
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach '{_sql_string(str(path))}' as analytics (read_only)")
        con.execute("use analytics")
    except Exception:
        con.close()
        raise
    return con


def _sql_string(text: str) -> str:
    return text.replace("'", "''")


def _key(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_key(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _key(v)) for k, v in value.items()))
    return value


def query(
    sql: str, params: list | tuple | dict | None = None, home: str | Path | None = None
) -> pl.DataFrame:
    """Run a read-only query on the published version, cached until the next publish.

    The returned frame is shared between callers: treat it as immutable (polars frames are).
    """
    ver = version(home)
    key = (str(db_path(home)), ver, sql, _key(params))
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    con = connect(home)
    try:
        frame = con.sql(sql, params=params).pl() if params else con.sql(sql).pl()
    finally:
        con.close()
    with _lock:
        _cache[key] = frame
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return frame


def scalar(sql: str, params: list | tuple | dict | None = None, home: str | Path | None = None):
    """The first column of the first row, or None."""
    frame = query(sql, params, home)
    return frame.item(0, 0) if frame.height else None


def clear_cache() -> None:
    """Forget every cached result (tests; a publish makes this unnecessary)."""
    with _lock:
        _cache.clear()
