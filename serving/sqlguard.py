"""Guarded ad-hoc SQL on the published warehouse: the one path behind the SQL page and
`housewatch sql`.

Layers, each enough on its own for the case it names:
1. parse with DuckDB and accept exactly one SELECT (or EXPLAIN) statement: COPY, ATTACH, INSTALL,
   LOAD, SET, PRAGMA, DDL and DML are refused by statement type before anything runs;
2. file-reading table functions (read_csv, read_parquet, glob, ...) and the functions that show
   the server's configuration (duckdb_databases(), duckdb_settings(), current_setting(), ...) are
   refused by name, and so are query()/query_table(), which run SQL built from strings; the
   catalog (duckdb_tables(), duckdb_columns(), information_schema, ...) stays open;
3. the connection attaches analytics.duckdb read-only, then turns external access off and locks
   its configuration, so a file path as a table (select * from '/etc/passwd') fails in DuckDB;
4. the query runs in a worker process of its own (serving/sqlworker.py) under a memory limit the
   kernel enforces, with a row limit, a byte bound checked batch by batch while fetching, and a
   timeout (the worker interrupts DuckDB; this process kills the worker if that is not enough);
5. every column type is sent in a form every output can show (text where needed), and every
   failure is one line with server paths replaced by <home> / <path>.
The bounds live in serving/sqlguard.yml.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import yaml

from core.settings import paths
from serving import warehouse

CONFIG = Path(__file__).with_name("sqlguard.yml")
ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger(__name__)

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
# Server configuration (file paths, directories, extensions, secrets) in DuckDB's metadata: refused,
# since string functions (split, encode, ...) would get round any redaction of their results.
CONFIG_FUNCTIONS = re.compile(
    r"\b(duckdb_\w+|pragma_database_list|pg_settings|current_setting|which_secret)\b",
    re.IGNORECASE,
)
# Table functions that run SQL given as a string: a name check cannot see what they run
# (query('select * from duckdb_' || 'databases()')), so they are refused whole.
SQL_FROM_STRINGS = re.compile(
    r"\b(query|query_table|json_execute_serialized_sql)\s*\(", re.IGNORECASE
)
CATALOG_FUNCTIONS = {
    "duckdb_tables", "duckdb_columns", "duckdb_views", "duckdb_schemas", "duckdb_types",
    "duckdb_functions", "duckdb_constraints", "duckdb_indexes", "duckdb_keywords",
    "duckdb_sequences", "duckdb_dependencies",
}  # fmt: skip
# An absolute path standing alone (after a quote, bracket, space, ...): '/tmp/x' -> '<path>'.
ABSOLUTE_PATH = re.compile(r"(^|[\s'\"`(\[=,])/[^\s/'\"`()\[\],;][^\s'\"`()\[\],;]*")


class QueryRefused(ValueError):
    """The query is not allowed or failed; the message is one line for the analyst."""


@dataclass(frozen=True)
class Limits:
    """The bounds of the guarded path, read from serving/sqlguard.yml (see the comments there)."""

    row_limit: int
    timeout_s: float
    timeout_grace_s: float
    max_result_mb: float
    batch_rows: int
    worker_memory_mb: int
    duckdb_memory_limit: str
    duckdb_threads: int
    native_decimal_max_precision: int

    @property
    def max_result_bytes(self) -> int:
        return int(self.max_result_mb * 2**20)


@dataclass(frozen=True)
class QueryResult:
    frame: pl.DataFrame
    truncated: bool
    seconds: float


def load_limits(path: Path = CONFIG) -> Limits:
    """The limits in `path`; every field must be there, so a typo fails at import, not later."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = {f.name for f in dataclasses.fields(Limits)}
    if set(spec) != names:
        raise ValueError(f"{path.name}: expected keys {sorted(names)}, got {sorted(spec)}")
    return Limits(**spec)


LIMITS = load_limits()


def timeout_message(limits: Limits) -> str:
    s = f"{limits.timeout_s:g}"
    return f"stopped after the {s} s timeout / 查询超时（{s} 秒）已终止"


def too_large_message(limits: Limits) -> str:
    mb = f"{limits.max_result_mb:g}"
    return (
        f"result too large: over {mb} MB; select fewer or narrower columns, filter rows or "
        f"aggregate / 结果过大（超过 {mb} MB）：请减少列、筛选行或先汇总"
    )


def out_of_memory_message(limits: Limits) -> str:
    mb = f"{limits.worker_memory_mb:g}"
    return (
        f"query too large: it needs more than the {mb} MB of memory a query may use; select "
        f"fewer or narrower columns, filter rows or aggregate / 查询过大（所需内存超过 {mb} MB）："
        f"请减少列、筛选行或先汇总"
    )


def check(sql: str) -> str:
    """The single allowed statement, stripped of its trailing semicolon, or QueryRefused."""
    text = sql.strip().rstrip(";").strip()
    if not text:
        raise QueryRefused("empty query: write one SELECT statement / 请输入一条 SELECT 语句")
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as exc:
        raise QueryRefused(one_line(f"syntax error: {redact(str(exc))}")) from None
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
    found = SQL_FROM_STRINGS.search(text)
    if found:
        raise QueryRefused(
            f"{found.group(1)}() is not allowed: it runs SQL built from strings; write the query "
            f"itself / 不允许执行字符串拼接的 SQL，请直接写查询"
        )
    for found in CONFIG_FUNCTIONS.finditer(text):
        if found.group(1).lower() not in CATALOG_FUNCTIONS:
            raise QueryRefused(
                f"{found.group(1)} is not allowed: it shows the server's configuration; tables "
                f"and columns are in duckdb_tables() and duckdb_columns() / 不显示服务器配置，"
                f"库表结构见 duckdb_tables()、duckdb_columns()"
            )
    return text


def guarded_connection(
    home: str | Path | None = None, limits: Limits = LIMITS
) -> duckdb.DuckDBPyConnection:
    """The published file attached read-only; external access off, configuration locked."""
    con = warehouse.connect(home)
    con.execute(f"set memory_limit = '{limits.duckdb_memory_limit}'")
    con.execute(f"set threads = {int(limits.duckdb_threads)}")
    con.execute("set enable_progress_bar = false")
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con


def run(
    sql: str,
    home: str | Path | None = None,
    row_limit: int | None = None,
    timeout_s: float | None = None,
    limits: Limits | None = None,
) -> QueryResult:
    """Check one analyst query and run it in a worker process within `limits` (default the
    configured ones; `row_limit` and `timeout_s` override them), so no query can take the memory
    of the process that asked: the dashboard's server or the CLI."""
    limits = limits or LIMITS
    if row_limit is not None:
        limits = dataclasses.replace(limits, row_limit=row_limit)
    if timeout_s is not None:
        limits = dataclasses.replace(limits, timeout_s=timeout_s)
    text = check(sql)
    warehouse.version(home)  # NotPublished before a worker starts
    request = {"sql": text, "home": str(paths(home).home), "parent": os.getpid(),
               "limits": dataclasses.asdict(limits)}  # fmt: skip
    started = time.perf_counter()
    table, status, killed = _ask_worker(request, limits)
    if killed:
        raise QueryRefused(timeout_message(limits))
    if status is None or (status.get("ok") and table is None):
        raise QueryRefused("the query stopped unexpectedly; try again / 查询异常中止，请重试")
    if not status.get("ok"):
        raise QueryRefused(status.get("message") or "the query failed / 查询失败")
    try:
        frame = pl.from_arrow(table)
    except Exception as exc:  # a type the worker should have sent as text: say so in one line
        raise QueryRefused(describe(exc, home, limits)) from None
    return QueryResult(
        frame=frame.head(limits.row_limit),
        truncated=frame.height > limits.row_limit,
        seconds=time.perf_counter() - started,
    )


def _ask_worker(request: dict, limits: Limits) -> tuple[pa.Table | None, dict | None, bool]:
    """(result table or None, the worker's status or None, whether the timeout killed it)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])))  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "serving.sqlworker"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=env, start_new_session=True,
    )  # fmt: skip
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        worker.kill()

    timer = threading.Timer(limits.timeout_s + limits.timeout_grace_s, kill)
    timer.start()
    try:
        worker.stdin.write(json.dumps(request).encode())
        worker.stdin.close()
        table = _read_stream(worker.stdout, limits)
        errors = worker.stderr.read().decode("utf-8", "replace")
        worker.wait()
    finally:
        timer.cancel()
        if worker.poll() is None:  # an exception here, a result past the bound: never leave it
            worker.kill()
            worker.wait()
    status = _status(errors)
    if status is None and not killed.is_set():
        log.warning("sql worker exited %s without a status: %s", worker.returncode, errors[-2000:])
    return table, status, killed.is_set()


def _read_stream(stream, limits: Limits) -> pa.Table | None:
    """The worker's Arrow stream, bounded again here; None when it sent none (a refusal)."""
    try:
        reader = pa.ipc.open_stream(stream)
        batches, size = [], 0
        for batch in reader:
            size += batch.nbytes
            if size > limits.max_result_bytes:
                raise QueryRefused(too_large_message(limits))
            batches.append(batch)
    except (pa.ArrowInvalid, OSError):
        return None
    return pa.Table.from_batches(batches, schema=reader.schema)


def _status(errors: str) -> dict | None:
    """The worker's last stderr line is its JSON status; anything else there is noise."""
    for line in reversed(errors.splitlines()):
        try:
            status = json.loads(line)
        except ValueError:
            continue
        if isinstance(status, dict) and "ok" in status:
            return status
    return None


def describe(exc: BaseException, home: str | Path | None = None, limits: Limits = LIMITS) -> str:
    """One line for the analyst about an engine or conversion error, without server paths."""
    text = str(exc)
    if isinstance(exc, duckdb.OutOfMemoryException | MemoryError) or "Out of Memory" in text:
        return out_of_memory_message(limits)
    if isinstance(exc, QueryRefused):
        return one_line(text)
    return one_line(redact(text, home) or type(exc).__name__)


def redact(text: str, home: str | Path | None = None) -> str:
    """`text` with the server's own locations and any other absolute path replaced by <home>
    (HOUSEWATCH_HOME) or <path>: an analyst needs the message, not the server's layout."""
    for location, mark in _server_locations(home):
        text = text.replace(location, mark)
    return ABSOLUTE_PATH.sub(lambda m: f"{m.group(1)}<path>", text)


def _server_locations(home: str | Path | None) -> list[tuple[str, str]]:
    root = paths(home).home
    spots = {str(root): "<home>", os.path.realpath(root): "<home>"}
    others = [Path.home(), os.environ.get("HOME"), os.getcwd(), tempfile.gettempdir(), ROOT,
              sys.prefix, sys.base_prefix]  # fmt: skip
    for place in filter(None, others):
        for name in (str(place), os.path.realpath(place)):
            spots.setdefault(name.rstrip("/"), "<path>")
    return sorted(((k, v) for k, v in spots.items() if len(k) > 1), key=lambda kv: -len(kv[0]))


def one_line(message: str) -> str:
    """The first non-empty line, at most 300 characters: DuckDB adds hints and context lines."""
    first = next((line for line in message.splitlines() if line.strip()), message)
    return first.strip()[:300]
