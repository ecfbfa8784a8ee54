"""What every reader returns (`RawTable`) and the helpers they share: finding the header, building
the frame of strings, and the reader errors that concern single cells.

A reader error names a structural problem of a record (truncated_row, extra_fields, bad_json,
bad_encoding, text_too_long, formula_without_value). `_error_cells` lists the value columns it
concerns (null: the whole record), so that, once headers are mapped, a problem confined to cells
nobody uses (a formula in the phone column a contract drops) is no problem, and the quarantine
`field` can name the column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from core.errors import UserError

HEADER_SCAN_ROWS = 20
MAX_FIELD_BYTES = 128 * 1024  # a single value larger than this is no export's data
CELL_ERRORS = frozenset({"formula_without_value"})  # moot when none of their cells is used

HeaderTest = Callable[[str], bool]
Record = tuple[int, list[str | None], str | None, list[int] | None]
"""(row number, values, reader error, indexes of the cells the error concerns or None)."""


@dataclass
class RawTable:
    """Headers as written, values as strings in columns c0..cN, plus bookkeeping columns.

    `_row` is where a person finds the record (CSV/JSONL line, Excel sheet row); `_reader_error`
    names a structural problem and `_error_cells` the columns it concerns (module docstring).
    """

    path: Path
    format: str
    encoding: str | None
    headers: list[str]
    frame: pl.DataFrame
    blank_rows: int

    @property
    def value_columns(self) -> list[str]:
        return [f"c{i}" for i in range(len(self.headers))]


def is_blank(cells: list[object]) -> bool:
    return all(c is None or str(c).strip() == "" for c in cells)


def header_hits(records: list[list[str | None]], is_header: HeaderTest) -> tuple[int, int]:
    """(index, known names) of the record naming most known columns among the first ones."""
    best, best_hits = -1, 0
    for i, rec in enumerate(records[:HEADER_SCAN_ROWS]):
        hits = sum(1 for c in rec if c is not None and is_header(str(c)))
        if hits > best_hits:
            best, best_hits = i, hits
    return best, best_hits


def find_header(records: list[list[str | None]], is_header: HeaderTest, where: str) -> int:
    """Index of the header among the first records: the row naming most known columns, else the
    first row of two or more cells (unknown headers get their own error later)."""
    best, hits = header_hits(records, is_header)
    if best >= 0 and hits >= 2:
        return best
    for i, rec in enumerate(records[:HEADER_SCAN_ROWS]):
        if sum(1 for c in rec if c not in (None, "")) >= 2:
            return i
    raise UserError(f"{where}: no header row found in the first {HEADER_SCAN_ROWS} rows")


def unique_headers(cells: list[object]) -> list[str]:
    headers = [str(c).strip() if c is not None else "" for c in cells]
    while headers and headers[-1] == "":
        headers.pop()
    return [h or f"column_{i + 1}" for i, h in enumerate(headers)]


def no_records(path: Path) -> UserError:
    return UserError(f"{path.name}: header only, no data rows")


def build_frame(headers: list[str], records: list[Record]) -> pl.DataFrame:
    """The frame of a table; values are cut or padded to the header width."""
    width = len(headers)
    pad = [None] * width
    rows = [
        (
            row,
            error,
            None if cells is None else ",".join(f"c{i}" for i in cells),
            *(values if len(values) == width else (values + pad)[:width]),
        )
        for row, values, error, cells in records
    ]
    schema = {"_row": pl.Int64, "_reader_error": pl.String, "_error_cells": pl.String} | {
        f"c{i}": pl.String for i in range(width)
    }
    return flag_huge_values(pl.DataFrame(rows, schema=schema, orient="row"))


def flag_huge_values(frame: pl.DataFrame) -> pl.DataFrame:
    """`text_too_long` for a record holding a value over MAX_FIELD_BYTES (in CSV, the sign of a
    quote left open over many lines), unless it has a reader error already."""
    values = [c for c in frame.columns if not c.startswith("_")]
    if not values:
        return frame
    huge = pl.coalesce(
        [pl.when(pl.col(c).str.len_bytes() > MAX_FIELD_BYTES).then(pl.lit(c)) for c in values]
    )
    new = pl.col("_reader_error").is_null() & huge.is_not_null()
    return frame.with_columns(
        _reader_error=pl.when(new).then(pl.lit("text_too_long")).otherwise("_reader_error"),
        _error_cells=pl.when(new).then(huge).otherwise("_error_cells"),
    )


def scoped_errors(names: dict[str, str], used: set[str]) -> list[pl.Expr]:
    """`_reader_error` and `_reader_field` once value columns are mapped: `names` gives the
    canonical name of each mapped value column (c3 -> project_name), `used` the ones whose values
    are kept. A cell error in unused cells only is dropped; `_reader_field` names the first
    mapped (for cell errors: used) column an error concerns."""
    cells = pl.col("_error_cells").str.split(",")

    def first(mapping: dict[str, str]) -> pl.Expr:
        if not mapping:
            return pl.lit(None, dtype=pl.String)
        return (
            cells.list.eval(pl.element().replace_strict(mapping, default=None))
            .list.drop_nulls()
            .list.first()
        )

    used_field = first({c: n for c, n in names.items() if c in used})
    cell_error = pl.col("_reader_error").is_in(sorted(CELL_ERRORS))
    moot = cell_error & used_field.is_null()
    return [
        pl.when(moot).then(None).otherwise(pl.col("_reader_error")).alias("_reader_error"),
        pl.when(moot)
        .then(None)
        .when(cell_error)
        .then(used_field)
        .otherwise(first(names))
        .alias("_reader_field"),
    ]
