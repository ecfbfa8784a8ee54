"""`housewatch build` and `status`: the warehouse and what landed in it."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from core.errors import UserError
from core.settings import paths as home_paths
from housewatch.console import err, fail, out, progress


def build(
    full: Annotated[bool, typer.Option("--full", help="Rebuild incremental models.")] = False,
) -> None:
    """dbt build into the build database, then publish analytics.duckdb (read-only serving)."""
    from pipeline.build import build as run_build

    paths = home_paths()
    try:
        with progress() as bar:
            task = bar.add_task("dbt build", total=None)

            def tick(done: int, total: int, node: str) -> None:
                bar.update(task, completed=done, total=total, description=f"dbt {node[:60]}")

            result = run_build(paths, full_refresh=full, progress=tick)
    except UserError as exc:
        fail(str(exc))
    out.print(
        f"built in {result.seconds_dbt:.1f} s, published {len(result.tables)} tables to "
        f"{paths.analytics_db} in {result.seconds_publish:.1f} s",
        highlight=False,
    )
    if result.warnings:
        err.print(
            f"warning: {result.warnings} data check(s) found problems in the data; published"
            " anyway (fct_data_tests, data-status page)",
            highlight=False,
        )


def status(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Ledger, freshness per source and quarantine counts."""
    from pipeline.status import status as collect

    info = collect(home_paths())
    if as_json:
        sys.stdout.write(json.dumps(info, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    out.print(f"HOUSEWATCH_HOME = {info['home']}")
    table = Table(title="landed sources")
    for head in ("source", "files", "read", "loaded", "quarantined", "dupl.", "months", "q-share"):
        table.add_column(head, justify="right" if head != "source" else "left")
    for src, t in info["totals"].items():
        months = f"{t.get('first_month', '')}..{t.get('last_month', '')}"
        table.add_row(
            src, str(t["files"]), f"{t['read']:,}", f"{t['loaded']:,}",
            f"{t['quarantined']:,}", f"{t['duplicates']:,}", months,
            f"{t['quarantine_share']:.2%}",
        )  # fmt: skip
    out.print(table)
    build_info = info["last_build"]
    if build_info:
        out.print(
            f"last build published {build_info['published_at']} "
            f"({build_info['tables']} tables in analytics.duckdb)",
            highlight=False,
        )
    else:
        out.print("no build published yet: run housewatch build")
    problems = [b for b in info["batches"] if b["status"] in ("rejected", "failed")]
    for b in problems:
        out.print(f"{b['status']}: {b['file_name']}: {b['message']}", highlight=False)
