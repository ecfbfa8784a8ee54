"""The query worker behind serving/sqlguard.run: `python -m serving.sqlworker`, one request as JSON on
stdin, the result as an Arrow IPC stream on stdout, then its status as one JSON line on stderr.

A process of its own because DuckDB's memory_limit does not cover the strings one vector builds
(`select repeat('x', 300000000) from range(5)` holds 1.5 GB before the first row is fetched):
here the kernel's RLIMIT_DATA bounds everything, and a failure costs this process, never the
dashboard's server. It dies with the process that started it.

Each column leaves in a type every output (table, CSV, JSON, the page's dataframe and its
downloads) can show: numbers, booleans, text, and dates/timestamps in Python's range stay as
they are; everything else (interval, list, struct, map, union, array, hugeint, uuid, blob, bit,
enum, time with time zone, wide decimals, ...) is cast to DuckDB's own text for it.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import sys
import threading

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from core.proc import _die_with_parent
from serving import sqlguard
from serving.sqlguard import Limits, QueryRefused

NATIVE = {"boolean", "tinyint", "smallint", "integer", "bigint", "utinyint", "usmallint",
          "uinteger", "ubigint", "float", "double", "varchar", "date", "timestamp"}  # fmt: skip
EPOCH = dt.datetime(1970, 1, 1)
# Python's date and datetime range (years 1-9999), as Arrow stores them: days, microseconds.
DATE_RANGE = ((dt.datetime.min - EPOCH).days, (dt.datetime.max - EPOCH).days)
MICROS_RANGE = ((dt.datetime.min - EPOCH) // dt.timedelta(microseconds=1),
                (dt.datetime.max - EPOCH) // dt.timedelta(microseconds=1))  # fmt: skip


def main() -> int:
    """Serve one request; the exit code is 0 whenever a status was written."""
    request = json.loads(sys.stdin.read())
    _die_with_parent(request["parent"])
    limits = Limits(**request["limits"])
    cap = int(limits.worker_memory_mb) * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))
    home = request["home"]
    try:
        table = fetch(request["sql"], home, limits)
        with pa.ipc.new_stream(sys.stdout.buffer, table.schema) as writer:
            writer.write_table(table)
        sys.stdout.buffer.flush()
        status = {"ok": True}
    except BaseException as exc:  # every failure is one line: never a traceback, never a path
        status = {"ok": False, "message": sqlguard.describe(exc, home, limits)}
    sys.stderr.write(json.dumps(status, ensure_ascii=False) + "\n")
    sys.stderr.flush()
    return 0


def fetch(sql: str, home: str, limits: Limits) -> pa.Table:
    """The checked query's first row_limit + 1 rows as displayable Arrow, within the byte bound;
    interrupted at the timeout."""
    text = sqlguard.check(sql)
    con = sqlguard.guarded_connection(home, limits)
    fired = threading.Event()

    def stop() -> None:
        fired.set()
        con.interrupt()

    watchdog = threading.Timer(limits.timeout_s, stop)
    watchdog.start()
    try:
        relation = displayable(con.sql(text), limits).limit(limits.row_limit + 1)
        table = bounded(relation, limits)
        return dates_in_range(con, table)
    except QueryRefused:
        raise
    except BaseException as exc:
        if fired.is_set():
            raise QueryRefused(sqlguard.timeout_message(limits)) from None
        raise QueryRefused(sqlguard.describe(exc, home, limits)) from None
    finally:
        watchdog.cancel()
        con.close()


def native(kind: duckdb.typing.DuckDBPyType, limits: Limits) -> bool:
    """Whether every output shows this DuckDB type as it is."""
    if kind.id == "decimal":
        return dict(kind.children)["precision"] <= limits.native_decimal_max_precision
    return kind.id in NATIVE


def displayable(relation: duckdb.DuckDBPyRelation, limits: Limits) -> duckdb.DuckDBPyRelation:
    """`relation` with every column not `native` cast to text, and column names made unique
    (DuckDB allows `select 1 as a, 2 as a`; a dataframe does not)."""
    names = unique(relation.columns)
    cast = [not native(kind, limits) for kind in relation.types]
    if not any(cast) and names == relation.columns:
        return relation
    columns = [
        f"{f'cast(#{i} as varchar)' if text else f'#{i}'} as {quote(name)}"
        for i, (name, text) in enumerate(zip(names, cast, strict=True), start=1)
    ]
    return relation.project(", ".join(columns))


def bounded(relation: duckdb.DuckDBPyRelation, limits: Limits) -> pa.Table:
    """Fetch record batch by record batch and stop as soon as the bytes pass the bound."""
    reader = relation.to_arrow_reader(limits.batch_rows)
    batches, size = [], 0
    for batch in reader:
        size += batch.nbytes
        if size > limits.max_result_bytes:
            raise QueryRefused(sqlguard.too_large_message(limits))
        batches.append(batch)
    return pa.Table.from_batches(batches, schema=reader.schema)


def dates_in_range(con: duckdb.DuckDBPyConnection, table: pa.Table) -> pa.Table:
    """Dates and timestamps outside Python's years 1-9999 ('294247-01-01', 'infinity') as
    DuckDB's text for them: no output can turn them into a date; the others stay dates."""
    outside = []
    for i, field in enumerate(table.schema):
        if pa.types.is_date32(field.type):
            low, high = DATE_RANGE
            column = table.column(i).cast(pa.int32())
        elif pa.types.is_timestamp(field.type) and field.type.unit == "us":
            low, high = MICROS_RANGE
            column = table.column(i).cast(pa.int64())
        else:
            continue
        bounds = pc.min_max(column)
        if bounds["min"].is_valid and (bounds["min"].as_py() < low or bounds["max"].as_py() > high):
            outside.append(i)
    if not outside:
        return table
    columns = [
        f"{f'cast(#{i + 1} as varchar)' if i in outside else f'#{i + 1}'} as {quote(name)}"
        for i, name in enumerate(table.column_names)
    ]
    return con.from_arrow(table).project(", ".join(columns)).to_arrow_table()


def unique(names: list[str]) -> list[str]:
    """Names made unique without regard to case, as DuckDB does: a, a_1, A_2."""
    seen: set[str] = set()
    out = []
    for name in names:
        candidate, n = name, 0
        while candidate.lower() in seen:
            n += 1
            candidate = f"{name}_{n}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


if __name__ == "__main__":
    sys.exit(main())
