"""XLSX -> RawTable: title rows above the header, merged cells filled, formulas by cached value.

The sheet read is the one holding a recognisable header with data below it, wherever it stands
in the workbook (a cover or notes sheet often comes first); two such sheets are refused, since
which one is meant cannot be told. A formula cell without a cached value is flagged for its cell
only: it quarantines the record unless the cell lies in a column nobody uses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import UserError
from ingest.rawtable import (
    HeaderTest,
    RawTable,
    Record,
    build_frame,
    find_header,
    header_hits,
    is_blank,
    no_records,
    unique_headers,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


def cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


@dataclass
class _Sheet:
    name: str
    rows: list[tuple[int, list[object], list[bool]]]  # (sheet row, cells, uncached formula)

    @property
    def nonblank(self) -> list[tuple[int, list[object], list[bool]]]:
        return [(r, cells, unc) for r, cells, unc in self.rows if not is_blank(cells) or any(unc)]

    def texts(self) -> list[list[str | None]]:
        return [[cell_text(c) for c in cells] for _, cells, _ in self.nonblank]

    def recognised(self, is_header: HeaderTest) -> tuple[bool, bool]:
        """(has a header naming two or more known columns, has records below it)."""
        nonblank = self.nonblank
        best, hits = header_hits(self.texts(), is_header)
        if best < 0 or hits < 2:
            return False, False
        return True, best < len(nonblank) - 1


def _sheet(ws: Worksheet, fws: Worksheet) -> _Sheet:
    # merged cells carry their value into every cell they cover (a district merged down rows)
    fill: dict[tuple[int, int], object] = {}
    for rng in ws.merged_cells.ranges:
        anchor = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                fill[(r, c)] = anchor
    rows: list[tuple[int, list[object], list[bool]]] = []
    for r_idx, (vrow, frow) in enumerate(
        zip(ws.iter_rows(values_only=True), fws.iter_rows(values_only=True), strict=False),
        start=1,
    ):
        cells = [fill.get((r_idx, c), v) for c, v in enumerate(vrow, start=1)]
        uncached = [
            isinstance(f, str) and f.startswith("=") and v is None
            for v, f in zip(vrow, frow, strict=False)
        ]
        rows.append((r_idx, cells, uncached))
    return _Sheet(ws.title, rows)


def _choose(sheets: list[_Sheet], is_header: HeaderTest, path: Path) -> _Sheet:
    """The one sheet with a recognisable header and data; else one with a recognisable header;
    else the first sheet that is not empty (its header gets its own error later)."""
    marks = [(s, *s.recognised(is_header)) for s in sheets]
    with_data = [s for s, header, data in marks if header and data]
    if len(with_data) > 1:
        names = ", ".join(repr(s.name) for s in with_data)
        raise UserError(
            f"{path.name}: sheets {names} each hold a header and data rows;"
            " save the one to load as a workbook of its own"
        )
    chosen = (
        with_data or [s for s, header, _ in marks if header] or [s for s in sheets if s.nonblank]
    )
    if not chosen:
        raise UserError(f"{path.name}: every sheet of the workbook is empty")
    return chosen[0]


def read_xlsx(path: Path, is_header: HeaderTest) -> RawTable:
    import openpyxl

    try:
        values_wb = openpyxl.load_workbook(path, data_only=True)
        formulas_wb = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a broken zip
        raise UserError(f"{path.name}: not a readable .xlsx workbook ({exc})") from None
    sheets = [
        _sheet(ws, fws)
        for ws, fws in zip(values_wb.worksheets, formulas_wb.worksheets, strict=True)
    ]
    sheet = _choose(sheets, is_header, path)
    nonblank = sheet.nonblank
    h = find_header(sheet.texts(), is_header, path.name)
    header_row = nonblank[h][0]
    headers = unique_headers(nonblank[h][1])
    width = len(headers)
    records: list[Record] = []
    blank = 0
    for r_idx, cells, uncached in sheet.rows:
        if r_idx <= header_row:
            continue
        if is_blank(cells) and not any(uncached):
            blank += 1
            continue
        formulas = [i for i, unc in enumerate(uncached[:width]) if unc]
        error = "formula_without_value" if formulas else None
        records.append(
            (r_idx, [cell_text(c) for c in cells[:width]], error, formulas if formulas else None)
        )
    if not records:
        raise no_records(path)
    return RawTable(path, "xlsx", None, headers, build_frame(headers, records), blank)
