"""The `housewatch` command line: the public interface of docs/ARCHITECTURE.md.

The top of the import graph: it registers one module per command group and nothing imports it
(`python -m housewatch.cli` runs it too).
"""

from __future__ import annotations

import typer

from housewatch.commands import build, index, ingest, jobs, outputs, profile

app = typer.Typer(
    help="HouseWatch: Nantong housing-market monitoring (南通房地产市场监测).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for command in (
    ingest.generate,
    ingest.schema,
    ingest.load,
    build.build,
    build.status,
    jobs.demo,
    outputs.brief,
    jobs.run,
):
    app.command()(command)
app.command("app")(outputs.serve_app)
app.command()(outputs.sql)
app.add_typer(profile.profile_app, name="profile")
app.command("index")(index.index)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
