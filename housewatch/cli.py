"""The `housewatch` command line: the public interface of docs/ARCHITECTURE.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from housewatch.errors import UserError
from housewatch.settings import paths as home_paths

app = typer.Typer(
    help="HouseWatch: Nantong housing-market monitoring (南通房地产市场监测).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _fail(message: str, code: int = 2) -> None:
    from ingest.pseudonymise import mask

    err.print(f"[red]error:[/red] {escape(mask(message))}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _progress() -> Progress:
    """A progress bar on a terminal; nothing at all under cron or CI (stderr not a TTY)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


# ---------------------------------------------------------------- generate


def _generate(out_dir: Path, start: str, end: str, scale: float, seed: int) -> dict:
    from ingest.synthetic import generate

    with _progress() as bar:
        task = bar.add_task("generating", total=None)

        def tick(label: str, done: int, total: int) -> None:
            bar.update(task, description=f"generating {label}", completed=done, total=total)

        try:
            return generate(out_dir, start=start, end=end, scale=scale, seed=seed, progress=tick)
        except ValueError as exc:
            raise UserError(str(exc)) from None


@app.command()
def generate(
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder (raw/ and truth/).")],
    start: Annotated[str, typer.Option(help="First month, YYYY-MM.")] = "2016-01",
    end: Annotated[str, typer.Option(help="Last month, YYYY-MM.")] = "2025-12",
    scale: Annotated[float, typer.Option(help="Volume multiplier.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 20160101,
) -> None:
    """Synthetic Nantong market: raw files for every source + truth/ (latent indices, events)."""
    try:
        summary = _generate(out_dir, start, end, scale, seed)
    except UserError as exc:
        _fail(str(exc))
    out.print(f"wrote {out_dir}/raw and {out_dir}/truth")
    out.print(json.dumps(summary, ensure_ascii=False, default=str))


# ---------------------------------------------------------------- schema


@app.command()
def schema(
    source: Annotated[str | None, typer.Argument(help="One source; all when omitted.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The canonical columns, types, units and accepted header aliases of each source."""
    from ingest.schemas import contract, contracts

    try:
        chosen = [contract(source)] if source else list(contracts().values())
    except UserError as exc:
        _fail(str(exc))
    if as_json:
        payload = [
            {
                "source": c.source, "title_zh": c.title_zh, "description": c.description,
                "kind": c.kind, "key": list(c.key),
                "columns": [
                    {"name": col.output_name, "input_name": col.name, "type": col.type,
                     "zh": col.zh, "required": col.required, "unit_kind": col.unit_kind,
                     "allowed": list(col.allowed),
                     "aliases": [a.header + (f"@{a.unit}" if a.unit else "") for a in col.aliases]}
                    for col in c.columns
                ],
            }
            for c in chosen
        ]  # fmt: skip
        out.print_json(json.dumps(payload, ensure_ascii=False))
        return
    for c in chosen:
        table = Table(
            title=f"{c.source} · {c.title_zh} (key: {', '.join(c.key)})", show_lines=False
        )
        for head in ("column", "中文", "type", "unit", "req", "allowed / aliases"):
            table.add_column(head, overflow="fold")
        for col in c.columns:
            unit = {"money": "元", "area": "㎡", "unit_price": "元/㎡"}.get(col.unit_kind or "", "")
            kind = col.type + (f" → {col.output_name}" if col.becomes else "")
            extra = " / ".join(col.allowed) if col.allowed else ""
            aliases = ", ".join(a.header for a in col.aliases)
            table.add_row(col.name, col.zh, kind, unit, "✓" if col.required else "",
                          f"{extra}\n{aliases}".strip())  # fmt: skip
        out.print(table)


# ---------------------------------------------------------------- load


def _parse_units(specs: list[str]) -> dict[str, str]:
    units: dict[str, str] = {}
    for spec in specs:
        column, sep, unit = spec.partition("=")
        if not sep or not column or not unit:
            raise UserError(f"--unit {spec!r}: expected COLUMN=UNIT, e.g. total_price_yuan=万元")
        units[column.strip()] = unit.strip()
    return units


def _load(
    inputs: list[Path],
    source: str | None,
    profile: str | None,
    verbose: bool,
    units: dict[str, str] | None = None,
) -> int:
    from ingest.load import expand, load
    from ingest.pseudonymise import mask

    paths = home_paths()
    files = expand(inputs)
    with _progress() as bar:
        task = bar.add_task("loading", total=len(files))

        rows = [0]

        def tick(batch) -> None:
            rows[0] += batch.read
            bar.update(task, advance=1, description=f"loading {batch.file_name} · {rows[0]:,} rows")

        report = load(
            inputs, paths, source=source, profile_name=profile, progress=tick, units=units
        )
    by_source: dict[str, list[int]] = {}
    for b in report.batches:
        if b.status == "loaded":
            acc = by_source.setdefault(b.source, [0, 0, 0, 0, 0, 0])
            for i, v in enumerate((1, b.read, b.loaded, b.quarantined, b.duplicates, b.blank_rows)):
                acc[i] += v
            if verbose:
                out.print(
                    f"{b.batch_id} {b.source:<8} {b.file_name}: read {b.read:,} = loaded "
                    f"{b.loaded:,} + quarantined {b.quarantined:,} + duplicates {b.duplicates:,}"
                    f" (blank rows {b.blank_rows:,}) {b.reasons or ''}",
                    highlight=False,
                )
    for src, (n, read, loaded, quar, dup, blank) in sorted(by_source.items()):
        out.print(
            f"{src:<24} {n:>4} file(s)  read {read:>9,} = loaded {loaded:>9,} + quarantined "
            f"{quar:>6,} + duplicates {dup:>6,}   blank rows {blank:,}",
            highlight=False,
        )
    for path, batch_id in report.skipped:
        if verbose or len(report.skipped) <= 5:
            out.print(f"already loaded as {batch_id}: {mask(path.name)}", highlight=False)
    if len(report.skipped) > 5 and not verbose:
        out.print(f"{len(report.skipped)} file(s) already loaded (no-op)")
    for b in report.rejected:
        err.print(f"[red]error:[/red] {escape(b.message or '')}", highlight=False, soft_wrap=True)
    return 1 if report.rejected else 0


@app.command()
def load(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders to load.")],
    source: Annotated[str | None, typer.Option(help="Source, when headers don't tell.")] = None,
    profile: Annotated[
        str | None, typer.Option(help="Profile name or PATH.yml (see housewatch profile list).")
    ] = None,
    unit: Annotated[
        list[str] | None,
        typer.Option(help="Unit of a column whose header has none: COLUMN=UNIT (repeatable)."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="A line per file.")] = False,
) -> None:
    """Load files into landing Parquet, with quarantine and a batch ledger."""
    try:
        code = _load(inputs, source, profile, verbose, _parse_units(unit or []))
    except UserError as exc:
        _fail(str(exc))
    raise typer.Exit(code)


# ---------------------------------------------------------------- build


@app.command()
def build(
    full: Annotated[bool, typer.Option("--full", help="Rebuild incremental models.")] = False,
) -> None:
    """dbt build into the build database, then publish analytics.duckdb (read-only serving)."""
    from housewatch.pipeline.build import build as run_build

    paths = home_paths()
    try:
        with _progress() as bar:
            task = bar.add_task("dbt build", total=None)

            def tick(done: int, total: int, node: str) -> None:
                bar.update(task, completed=done, total=total, description=f"dbt {node[:60]}")

            result = run_build(paths, full_refresh=full, progress=tick)
    except UserError as exc:
        _fail(str(exc))
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


# ---------------------------------------------------------------- status


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Ledger, freshness per source and quarantine counts."""
    from housewatch.status import status as collect

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


# ---------------------------------------------------------------- demo


@app.command()
def demo(
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Do not start the dashboard.")
    ] = False,
    start: Annotated[str, typer.Option(help="First month, YYYY-MM.")] = "2016-01",
    end: Annotated[str, typer.Option(help="Last month, YYYY-MM.")] = "2025-12",
    scale: Annotated[float, typer.Option(help="Volume multiplier.")] = 1.0,
    port: Annotated[int, typer.Option(help="Dashboard port.")] = 8501,
    host: Annotated[str, typer.Option(help="Dashboard address.")] = "127.0.0.1",
) -> None:
    """Generate the sample market under HOUSEWATCH_HOME/sample, load it, build, publish, write
    the latest monthly brief and serve the dashboard (unless --no-serve)."""
    from app.brief.command import latest_period
    from housewatch.cli_outputs import serve, write_brief_files
    from housewatch.pipeline.build import build as run_build

    paths = home_paths()
    sample = paths.home / "sample"
    try:
        _generate(sample, start, end, scale, 20160101)
        out.print(f"sample market written to {sample}")
        code = _load([sample / "raw"], None, None, verbose=False)
        if code:
            raise typer.Exit(code)
        with err.status("building the warehouse (dbt build + publish)"):
            result = run_build(paths)
        out.print(
            f"built in {result.seconds_dbt:.1f} s; {len(result.tables)} tables in"
            f" {paths.analytics_db}",
            highlight=False,
        )
        write_brief_files(latest_period(paths), "html,pdf,md", None)
    except UserError as exc:
        _fail(str(exc))
    if not no_serve:
        raise typer.Exit(serve(host, port))


from housewatch import cli_outputs as _outputs  # noqa: E402, F401  (registers brief, run, app, sql)
from housewatch import cli_profiles as _profiles  # noqa: E402, F401  (registers profile …)
from housewatch.indices.command import index as _index_command  # noqa: E402

app.command("index")(_index_command)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    # `python -m housewatch.cli`: run the imported module's app, where cli_outputs registered
    # brief, run, app and sql (this __main__ copy of the module has only the core commands)
    from housewatch.cli import app as _registered

    _registered()
