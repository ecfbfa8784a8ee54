"""`housewatch generate`, `schema` and `load`: raw files in, canonical landing out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from core.errors import UserError
from housewatch.console import fail, out
from housewatch.steps import generate_sample, load_files


def generate(
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder (raw/ and truth/).")],
    start: Annotated[str, typer.Option(help="First month, YYYY-MM.")] = "2016-01",
    end: Annotated[str, typer.Option(help="Last month, YYYY-MM.")] = "2025-12",
    scale: Annotated[float, typer.Option(help="Volume multiplier.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 20160101,
) -> None:
    """Synthetic Nantong market: raw files for every source + truth/ (latent indices, events)."""
    try:
        summary = generate_sample(out_dir, start, end, scale, seed)
    except UserError as exc:
        fail(str(exc))
    out.print(f"wrote {out_dir}/raw and {out_dir}/truth")
    out.print(json.dumps(summary, ensure_ascii=False, default=str))


def schema(
    source: Annotated[str | None, typer.Argument(help="One source; all when omitted.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The canonical columns, types, units and accepted header aliases of each source."""
    from ingest.schemas import contract, contracts

    try:
        chosen = [contract(source)] if source else list(contracts().values())
    except UserError as exc:
        fail(str(exc))
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


def _parse_units(specs: list[str]) -> dict[str, str]:
    units: dict[str, str] = {}
    for spec in specs:
        column, sep, unit = spec.partition("=")
        if not sep or not column or not unit:
            raise UserError(f"--unit {spec!r}: expected COLUMN=UNIT, e.g. total_price_yuan=万元")
        units[column.strip()] = unit.strip()
    return units


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
        code = load_files(inputs, source, profile, verbose, _parse_units(unit or []))
    except UserError as exc:
        fail(str(exc))
    raise typer.Exit(code)
