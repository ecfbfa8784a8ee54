"""Reading configuration seeds for the checks a build runs first: every mistake becomes one
line naming the file and the row (1-based data row; the header is row 0)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from core.errors import UserError

OPEN_END = dt.date.max
Validity = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class SeedRow:
    file: str
    number: int  # 1-based data row; the header is row 0
    values: dict[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def fail(self, message: str) -> UserError:
        return UserError(f"{self.file} row {self.number}: {message}")


def read_seed(seeds_dir: Path, name: str, columns: tuple[str, ...]) -> list[SeedRow]:
    """The non-blank rows of a seed, after checking it has every expected column."""
    path = seeds_dir / name
    if not path.exists():
        raise UserError(f"{name}: file missing from {seeds_dir}")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise UserError(f"{name} row 0: missing column(s) {', '.join(missing)}")
        return [
            SeedRow(name, number, values)
            for number, values in enumerate(reader, start=1)
            if any((v or "").strip() for v in values.values())
        ]


def date_of(row: SeedRow, column: str, required: bool = True) -> dt.date:
    text = row.get(column)
    if not text and not required:
        return OPEN_END
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise row.fail(f"{column} '{text}' is not a date (YYYY-MM-DD)") from None


def number_of(row: SeedRow, column: str, required: bool = True) -> float | None:
    text = row.get(column)
    if not text and not required:
        return None
    try:
        return float(text)
    except ValueError:
        raise row.fail(f"{column} '{text}' is not a number") from None


def validity_of(row: SeedRow) -> Validity:
    """(valid_from, valid_to or OPEN_END); every configuration row must also name its source."""
    start, end = date_of(row, "valid_from"), date_of(row, "valid_to", required=False)
    if end < start:
        raise row.fail(f"valid_to {end} is before valid_from {start}")
    if not row.get("source"):
        raise row.fail("source is empty (every configuration row names its source)")
    return start, end


def overlaps(a: Validity, b: Validity) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def span(valid: Validity) -> str:
    return f"{valid[0]}..{'' if valid[1] == OPEN_END else valid[1]}"
