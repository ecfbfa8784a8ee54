"""The commands that serve what the warehouse holds: `brief`, `run`, `app` and `sql`. They
register on the main `housewatch` CLI (housewatch.cli) and import the app package lazily, so
loading and building never need Streamlit, WeasyPrint or vl-convert."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from housewatch.cli import _fail, _load, app, err, home_paths, out
from housewatch.errors import UserError

if TYPE_CHECKING:
    import polars as pl

# ---------------------------------------------------------------- brief and run


def write_brief_files(period: str, formats: str, out_dir: Path | None) -> None:
    from app.brief.command import parse_formats, write_brief

    result = write_brief(home_paths(), period, parse_formats(formats), out_dir)
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items())
    out.print(f"brief {result.period.key} written to {result.out_dir} ({timings})", highlight=False)
    for path in result.files:
        out.print(f"  {path.name}", highlight=False)


@app.command()
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
        _fail(str(exc))


@app.command()
def run(
    formats: Annotated[str, typer.Option("--format", help="Brief formats: html,pdf,md.")] = (
        "html,pdf,md"
    ),
) -> None:
    """The scheduled job: load HOUSEWATCH_HOME/inbox, build, publish, brief the latest month."""
    from app.brief.command import latest_period, parse_formats
    from housewatch.pipeline.build import build as run_build

    paths = home_paths()
    try:
        chosen = parse_formats(formats)
        paths.inbox.mkdir(parents=True, exist_ok=True)
        if any(p.is_file() for p in paths.inbox.rglob("*")):
            code = _load([paths.inbox], None, None, verbose=False)
            if code:
                raise typer.Exit(code)
        else:
            out.print(f"inbox {paths.inbox} is empty: nothing to load", highlight=False)
        result = run_build(paths)
        out.print(
            f"built in {result.seconds_dbt:.1f} s, published {len(result.tables)} tables",
            highlight=False,
        )
        write_brief_files(latest_period(paths), ",".join(chosen), None)
    except UserError as exc:
        _fail(str(exc))


# ---------------------------------------------------------------- app and sql


def serve(host: str, port: int) -> int:
    """Run the dashboard with Streamlit in the foreground; returns its exit code."""
    import os

    import app as app_package
    from housewatch import proc

    root = Path(app_package.__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root),
               os.environ.get("PYTHONPATH", "")])))  # fmt: skip
    env.setdefault("HOUSEWATCH_HOME", str(home_paths().home))
    command = [
        sys.executable, "-m", "streamlit", "run", str(root / "app" / "dashboard" / "main.py"),
        "--server.address", host, "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer",
    ]  # fmt: skip
    out.print(f"serving the dashboard on http://{host}:{port} (Ctrl-C to stop)", highlight=False)
    try:  # Streamlit dies with this process, and SIGTERM to it stops Streamlit first
        return proc.run(command, env=env).returncode
    except KeyboardInterrupt:
        return 0


@app.command("app")
def serve_app(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8501,
    host: Annotated[
        str, typer.Option(help="Address to bind; 0.0.0.0 exposes it to the network.")
    ] = "127.0.0.1",
) -> None:
    """Serve the analysts' dashboard (read-only on the published analytics.duckdb)."""
    if not home_paths().analytics_db.exists():
        _fail(f"{home_paths().analytics_db} does not exist: run housewatch build first")
    raise typer.Exit(serve(host, port))


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="One SELECT statement.")],
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    limit: Annotated[
        int | None, typer.Option(help="Row limit (default: row_limit in app/sqlguard.yml).")
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(help="Seconds before the query is stopped (default: app/sqlguard.yml)."),
    ] = None,
) -> None:
    """Ad-hoc read-only SQL on the published warehouse (the SQL page's guarded path)."""
    from app import sqlguard, warehouse

    if fmt not in ("table", "csv", "json"):
        _fail(f"--format {fmt!r}: expected table, csv or json")
    try:
        result = sqlguard.run(query, row_limit=limit, timeout_s=timeout)
        text = format_frame(result.frame, fmt)
    except (sqlguard.QueryRefused, warehouse.NotPublished) as exc:
        _fail(str(exc))
    except Exception as exc:  # a value no format could write: one line, never a traceback
        _fail(sqlguard.describe(exc))
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
