"""`housewatch brief`, `app` and `sql`: what analysts read, all from the published warehouse."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from core.errors import UserError
from core.settings import paths as home_paths
from housewatch.console import err, fail, out
from housewatch.steps import serve, write_brief_files

if TYPE_CHECKING:
    import polars as pl


def brief(
    period: Annotated[str, typer.Option(help="2025-06 (month), 2025-Q2 (quarter) or 2025 (year).")],
    formats: Annotated[str, typer.Option("--format", help="Comma-separated: html,pdf,md.")] = (
        "html,pdf,md"
    ),
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Folder (default HOUSEWATCH_HOME/reports/<period>)."),
    ] = None,
) -> None:
    """Write the monthly, quarterly or annual brief (月度分析/季度评价/年度考核)."""
    try:
        write_brief_files(period, formats, out_dir)
    except UserError as exc:
        fail(str(exc))


def serve_app(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8501,
    host: Annotated[
        str, typer.Option(help="Address to bind; 0.0.0.0 exposes it to the network.")
    ] = "127.0.0.1",
) -> None:
    """Serve the analysts' dashboard (read-only on the published analytics.duckdb)."""
    if not home_paths().analytics_db.exists():
        fail(f"{home_paths().analytics_db} does not exist: run housewatch build first")
    raise typer.Exit(serve(host, port))


def sql(
    query: Annotated[str, typer.Argument(help="One SELECT statement.")],
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    limit: Annotated[
        int | None, typer.Option(help="Row limit (default: row_limit in serving/sqlguard.yml).")
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(help="Seconds before the query is stopped (default: serving/sqlguard.yml)."),
    ] = None,
) -> None:
    """Ad-hoc read-only SQL on the published warehouse (the SQL page's guarded path)."""
    from serving import sqlguard, warehouse

    if fmt not in ("table", "csv", "json"):
        fail(f"--format {fmt!r}: expected table, csv or json")
    try:
        result = sqlguard.run(query, row_limit=limit, timeout_s=timeout)
        text = format_frame(result.frame, fmt)
    except (sqlguard.QueryRefused, warehouse.NotPublished) as exc:
        fail(str(exc))
    except Exception as exc:  # a value no format could write: one line, never a traceback
        fail(sqlguard.describe(exc))
    if fmt == "table":
        out.print(text)
    else:
        sys.stdout.write(text)
    if result.truncated:
        shown = limit if limit is not None else sqlguard.LIMITS.row_limit
        err.print(f"note: cut at the row limit of {shown:,} rows (--limit)", highlight=False)


def format_frame(frame: pl.DataFrame, fmt: str) -> str | Table:
    """The result as csv or json text, or a rich Table; the worker already sent every column
    as a number, a boolean, text or an in-range date, so only NaN and infinities need care:
    every format writes them as CSV does (NaN, inf, -inf), JSON as strings."""
    if fmt == "csv":
        return frame.write_csv()
    if fmt == "json":
        rows = [{k: _shown(v) for k, v in row.items()} for row in frame.to_dicts()]
        return json.dumps(rows, ensure_ascii=False, default=str, allow_nan=False) + "\n"
    table = Table(show_lines=False)
    for name in frame.columns:
        table.add_column(escape(name), overflow="fold")
    for row in frame.iter_rows():
        table.add_row(*("" if v is None else escape(str(_shown(v))) for v in row))
    return table


def _shown(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value
