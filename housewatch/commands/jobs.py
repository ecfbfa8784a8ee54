"""`housewatch run` (the scheduled job) and `demo`: load, build, publish and brief in one go."""

from __future__ import annotations

from typing import Annotated

import typer

from core.errors import UserError
from core.settings import paths as home_paths
from housewatch.console import err, fail, out
from housewatch.steps import generate_sample, load_files, serve, write_brief_files


def run(
    formats: Annotated[str, typer.Option("--format", help="Brief formats: html,pdf,md.")] = (
        "html,pdf,md"
    ),
) -> None:
    """The scheduled job: load HOUSEWATCH_HOME/inbox, build, publish, brief the latest month."""
    from app.brief.writer import latest_period, parse_formats
    from pipeline.build import build as run_build

    paths = home_paths()
    try:
        chosen = parse_formats(formats)
        paths.inbox.mkdir(parents=True, exist_ok=True)
        if any(p.is_file() for p in paths.inbox.rglob("*")):
            code = load_files([paths.inbox], None, None, verbose=False)
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
        fail(str(exc))


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
    from app.brief.writer import latest_period
    from pipeline.build import build as run_build

    paths = home_paths()
    sample = paths.home / "sample"
    try:
        generate_sample(sample, start, end, scale, 20160101)
        out.print(f"sample market written to {sample}")
        code = load_files([sample / "raw"], None, None, verbose=False)
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
        fail(str(exc))
    if not no_serve:
        raise typer.Exit(serve(host, port))
