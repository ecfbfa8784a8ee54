"""Guarded ad-hoc SQL on the published warehouse: the one path behind the SQL page and
`housewatch sql`.

Layers, each enough on its own for the case it names:
1. parse with DuckDB and accept exactly one SELECT (or EXPLAIN) statement: COPY, ATTACH, INSTALL,
   LOAD, SET, PRAGMA, DDL and DML are refused by statement type before anything runs;
2. file-reading table functions (read_csv, read_parquet, glob, ...) are refused by name;
3. the connection attaches analytics.duckdb read-only, then turns external access off and locks
   its configuration, so a file path as a table (select * from '/etc/passwd') fails in DuckDB;
4. a row limit (fetch limit + 1 to say it was cut) and a timeout: a watchdog thread calls
   con.interrupt() when the query runs past it.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from app import warehouse

DEFAULT_ROW_LIMIT = 10_000
DEFAULT_TIMEOUT_S = 10.0
MEMORY_LIMIT = "1GB"

ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
REFUSED_WORDS = {
    duckdb.StatementType.COPY: "COPY",
    duckdb.StatementType.ATTACH: "ATTACH",
    duckdb.StatementType.DETACH: "DETACH",
    duckdb.StatementType.LOAD: "INSTALL/LOAD",
    duckdb.StatementType.SET: "SET/RESET/USE",
    duckdb.StatementType.PRAGMA: "PRAGMA/IMPORT",
    duckdb.StatementType.DROP: "DROP",
    duckdb.StatementType.DELETE: "DELETE",
    duckdb.StatementType.UPDATE: "UPDATE",
    duckdb.StatementType.INSERT: "INSERT",
    duckdb.StatementType.CREATE: "CREATE",
    duckdb.StatementType.ALTER: "ALTER",
    duckdb.StatementType.EXPORT: "EXPORT",
    duckdb.StatementType.CALL: "CALL/CHECKPOINT",
    duckdb.StatementType.VACUUM: "VACUUM",
}
FILE_FUNCTIONS = re.compile(
    r"\b(read_csv(_auto)?|read_parquet|parquet_scan|parquet_metadata|parquet_schema|read_json"
    r"(_auto|_objects(_auto)?)?|read_ndjson(_auto|_objects)?|read_text|read_blob|glob|sniff_csv"
    r"|read_xlsx|read_duckdb|sqlite_scan|sqlite_attach|postgres_scan|iceberg_scan|delta_scan"
    r"|csv_scan|json_scan)\s*\(",
    re.IGNORECASE,
)


class QueryRefused(ValueError):
    """The query is not allowed or failed; the message is one line for the analyst."""


@dataclass(frozen=True)
class QueryResult:
    frame: pl.DataFrame
    truncated: bool
    seconds: float


def check(sql: str) -> str:
    """The single allowed statement, stripped of its trailing semicolon, or QueryRefused."""
    text = sql.strip().rstrip(";").strip()
    if not text:
        raise QueryRefused("empty query: write one SELECT statement / 请输入一条 SELECT 语句")
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as exc:
        raise QueryRefused(_one_line(f"syntax error: {exc}")) from None
    if len(statements) != 1:
        raise QueryRefused("one statement at a time / 每次只能执行一条语句")
    kind = statements[0].type
    if kind not in ALLOWED:
        word = REFUSED_WORDS.get(kind, kind.name)
        raise QueryRefused(
            f"{word} is not allowed: the warehouse is read-only, only SELECT queries run "
            f"/ 只读库，仅允许 SELECT 查询"
        )
    found = FILE_FUNCTIONS.search(text)
    if found:
        raise QueryRefused(
            f"{found.group(1)}() is not allowed: no access to files outside the warehouse "
            f"/ 禁止读取库外文件"
        )
    return text


def guarded_connection(home: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """The published file attached read-only; external access off, configuration locked."""
    con = warehouse.connect(home)
    con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
    con.execute("set threads = 2")
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con


def run(
    sql: str,
    home: str | Path | None = None,
    row_limit: int = DEFAULT_ROW_LIMIT,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> QueryResult:
    """Check and run one analyst query; at most `row_limit` rows, stopped after `timeout_s`."""
    text = check(sql)
    con = guarded_connection(home)
    fired = threading.Event()

    def stop() -> None:
        fired.set()
        con.interrupt()

    watchdog = threading.Timer(timeout_s, stop)
    started = time.perf_counter()
    watchdog.start()
    try:
        frame = con.sql(text).limit(row_limit + 1).pl()
    except (duckdb.Error, RuntimeError) as exc:
        if fired.is_set():
            raise QueryRefused(
                f"stopped after the {timeout_s:g} s timeout / 查询超时（{timeout_s:g} 秒）已终止"
            ) from None
        raise QueryRefused(_one_line(str(exc))) from None
    finally:
        watchdog.cancel()
        con.close()
    return QueryResult(
        frame=frame.head(row_limit),
        truncated=frame.height > row_limit,
        seconds=time.perf_counter() - started,
    )


def _one_line(message: str) -> str:
    first = next((line for line in message.splitlines() if line.strip()), message)
    return first.strip()[:300]
