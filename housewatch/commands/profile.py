"""`housewatch profile …`: the file-format profiles an analyst adds without code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from core.errors import UserError
from housewatch.console import fail, out

profile_app = typer.Typer(
    help="File-format profiles: suggest one for a new export, list and show them.",
    no_args_is_help=True,
)


@profile_app.command("suggest")
def suggest(
    file: Annotated[Path, typer.Argument(help="The export to read (CSV, XLSX, JSONL, Parquet).")],
    source: Annotated[str | None, typer.Option(help="Source, when the file does not tell.")] = None,
    out_path: Annotated[
        Path | None, typer.Option("--out", help="Write the profile here (default: print it).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Profile name (default: source_file).")] = None,
) -> None:
    """Write a profile from the file's headers and a sample of its rows, to review and load."""
    from ingest.profiles import header_recogniser
    from ingest.readers import read_table
    from ingest.schemas import contract
    from ingest.suggest import is_header_like, suggest

    try:
        if source:
            contract(source)
        known = header_recogniser()
        table = read_table(file, lambda text: known(text) or is_header_like(text))
        text = suggest(table, source).to_yaml(name)
        if out_path is None:
            out.print(text, highlight=False, markup=False, end="")
            return
        if out_path.exists():
            raise UserError(f"{out_path} exists: choose another --out or remove it first")
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(text, encoding="utf-8")
    except UserError as exc:
        fail(str(exc))
    out.print(f"wrote {out_path}; load with: housewatch load {file} --profile {out_path}")


@profile_app.command("list")
def list_profiles(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Built-in profiles and the user's own (HOUSEWATCH_HOME/profiles)."""
    from ingest.profiles import profiles, user_profiles_dir

    try:
        found = profiles()
    except UserError as exc:
        fail(str(exc))
    if as_json:
        rows = [
            {"name": p.name, "source": p.source, "from": "built-in" if p.builtin else str(p.path),
             "match_headers": list(p.match_headers)}
            for p in found.values()
        ]  # fmt: skip
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title=f"profiles (user folder: {user_profiles_dir()})")
    for head in ("name", "source", "from", "recognised by headers"):
        table.add_column(head, overflow="fold")
    for p in found.values():
        where = "built-in" if p.builtin else str(p.path)
        table.add_row(p.name, p.source, where, ", ".join(p.match_headers) or "(only --profile)")
    out.print(table)


@profile_app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="Profile name, or a path to a .yml file.")],
) -> None:
    """The profile's file as written, after checking it."""
    from ingest.profiles import profile

    try:
        prof = profile(name)
    except UserError as exc:
        fail(str(exc))
    out.print(f"# {prof.path} ({'built-in' if prof.builtin else 'user'}, valid)", highlight=False)
    out.print(prof.path.read_text(encoding="utf-8"), highlight=False, markup=False, end="")
