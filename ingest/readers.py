"""Readers: any supported file -> a table of strings with the file's own row numbers.

One reader per format (CSV in UTF-8/UTF-8-BOM/GBK/GB18030, XLSX with title rows and merged cells,
JSON Lines, Parquet). Readers never interpret values; they only find the header, keep every
record, count blank rows apart and flag structural problems (`_reader_error`) for quarantine.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from housewatch.errors import UserError

HEADER_SCAN_ROWS = 20
SUFFIXES = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl",
    ".parquet": "parquet",
}  # fmt: skip


@dataclass
class RawTable:
    """Headers as written, values as strings in columns c0..cN, plus bookkeeping columns.

    `_row` is where a person finds the record (CSV/JSONL line, Excel sheet row); `_reader_error`
    names a structural problem (truncated_row, extra_fields, bad_json, formula_without_value).
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


HeaderTest = Callable[[str], bool]


def file_format(path: Path) -> str:
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        if path.suffix.lower() == ".xls":
            raise UserError(f"{path.name}: old .xls workbooks are not read; save it as .xlsx")
        raise UserError(f"{path.name}: unsupported file type {path.suffix or '(none)'}")
    return fmt


def read_table(path: Path, is_header: HeaderTest) -> RawTable:
    """Read `path`; `is_header` tells known header names, to find the header below title rows."""
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise UserError(f"{path.name}: file is empty")
    readers = {"csv": _read_csv, "xlsx": _read_xlsx, "jsonl": _read_jsonl, "parquet": _read_parquet}
    return readers[file_format(path)](path, is_header)


# ---------------------------------------------------------------- shared


def _is_blank(cells: list[object]) -> bool:
    return all(c is None or str(c).strip() == "" for c in cells)


def _find_header(records: list[list[str]], is_header: HeaderTest, where: str) -> int:
    """Index of the header among the first records: the row naming most known columns."""
    best, best_hits = -1, 0
    for i, rec in enumerate(records[:HEADER_SCAN_ROWS]):
        hits = sum(1 for c in rec if c is not None and is_header(str(c)))
        if hits > best_hits:
            best, best_hits = i, hits
    if best >= 0 and best_hits >= 2:
        return best
    for i, rec in enumerate(records[:HEADER_SCAN_ROWS]):
        if sum(1 for c in rec if c not in (None, "")) >= 2:
            return i
    raise UserError(f"{where}: no header row found in the first {HEADER_SCAN_ROWS} rows")


def _unique_headers(cells: list[object]) -> list[str]:
    headers = [str(c).strip() if c is not None else "" for c in cells]
    while headers and headers[-1] == "":
        headers.pop()
    return [h or f"column_{i + 1}" for i, h in enumerate(headers)]


def _frame(
    headers: list[str],
    records: list[tuple[int, list[str | None], str | None]],
) -> pl.DataFrame:
    """records: (row number, values (cut to the header width), reader error)."""
    width = len(headers)
    pad = [None] * width
    rows = [
        (row, error, *(values if len(values) == width else (values + pad)[:width]))
        for row, values, error in records
    ]
    schema = {"_row": pl.Int64, "_reader_error": pl.String} | {
        f"c{i}": pl.String for i in range(width)
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _no_records(path: Path) -> UserError:
    return UserError(f"{path.name}: header only, no data rows")


# ---------------------------------------------------------------- CSV


def decode(data: bytes, where: str) -> tuple[str, str]:
    """Decode text; BOM first, then strict UTF-8, then GB18030 (a superset of GBK)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            pos = utf8_error.start
            raise UserError(
                f"{where}: cannot decode as UTF-8 or GBK/GB18030 "
                f"(byte 0x{data[pos]:02x} at offset {pos})"
            ) from None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_csv(path: Path, is_header: HeaderTest) -> RawTable:
    text, encoding = decode(path.read_bytes(), path.name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_line = next((ln for ln in text.split("\n", HEADER_SCAN_ROWS) if ln.strip()), "")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first_line))
    raw: list[tuple[int, list[str]]] = []
    line = 0
    try:
        for rec in reader:
            raw.append((line + 1, rec))
            line = reader.line_num
    except csv.Error as exc:
        raise UserError(f"{path.name} line {reader.line_num}: broken CSV ({exc})") from None
    nonblank = [(ln, rec) for ln, rec in raw if not _is_blank(rec)]
    if not nonblank:
        raise UserError(f"{path.name}: file has no header and no data")
    h = _find_header([rec for _, rec in nonblank], is_header, path.name)
    header_line = nonblank[h][0]
    headers = _unique_headers(nonblank[h][1])
    width = len(headers)
    records: list[tuple[int, list[str | None], str | None]] = []
    blank = 0
    for ln, rec in raw:
        if ln <= header_line:
            continue
        if _is_blank(rec):
            blank += 1
            continue
        error = None
        if len(rec) < width:
            error = "truncated_row"
        elif len(rec) > width and not _is_blank(rec[width:]):
            error = "extra_fields"
        records.append((ln, list(rec[:width]), error))
    if not records:
        raise _no_records(path)
    return RawTable(path, "csv", encoding, headers, _frame(headers, records), blank)


# ---------------------------------------------------------------- XLSX


def _cell_text(value: object) -> str | None:
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


def _read_xlsx(path: Path, is_header: HeaderTest) -> RawTable:
    import openpyxl

    try:
        values_wb = openpyxl.load_workbook(path, data_only=True)
        formulas_wb = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a broken zip
        raise UserError(f"{path.name}: not a readable .xlsx workbook ({exc})") from None
    ws, fws = values_wb.worksheets[0], formulas_wb.worksheets[0]
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
    nonblank = [(r, cells, unc) for r, cells, unc in rows if not _is_blank(cells) or any(unc)]
    if not nonblank:
        raise UserError(f"{path.name}: workbook's first sheet is empty")
    texts = [[_cell_text(c) for c in cells] for _, cells, _ in nonblank]
    h = _find_header(texts, is_header, path.name)
    header_row = nonblank[h][0]
    headers = _unique_headers(nonblank[h][1])
    width = len(headers)
    records: list[tuple[int, list[str | None], str | None]] = []
    blank = 0
    for r_idx, cells, uncached in rows:
        if r_idx <= header_row:
            continue
        if _is_blank(cells) and not any(uncached):
            blank += 1
            continue
        error = "formula_without_value" if any(uncached[:width]) else None
        records.append((r_idx, [_cell_text(c) for c in cells[:width]], error))
    if not records:
        raise _no_records(path)
    return RawTable(path, "xlsx", None, headers, _frame(headers, records), blank)


# ---------------------------------------------------------------- JSON Lines


def _json_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _cell_text(value)
    return json.dumps(value, ensure_ascii=False)


def _read_jsonl(path: Path, is_header: HeaderTest) -> RawTable:
    text, encoding = decode(path.read_bytes(), path.name)
    stripped = text.lstrip()
    objects: list[tuple[int, dict[str, object] | None]] = []
    blank = 0
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise UserError(f"{path.name}: broken JSON array ({exc})") from None
        objects = [(i, o if isinstance(o, dict) else None) for i, o in enumerate(items, start=1)]
    else:
        for i, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                blank += 1
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                obj = None
            objects.append((i, obj if isinstance(obj, dict) else None))
    headers: list[str] = []
    seen: set[str] = set()
    for _, obj in objects:
        for key in obj or {}:
            if key not in seen:
                seen.add(key)
                headers.append(key)
    if not headers:
        raise UserError(f"{path.name}: no JSON objects found")
    records: list[tuple[int, list[str | None], str | None]] = []
    for line_no, obj in objects:
        if obj is None:
            records.append((line_no, [], "bad_json"))
        elif not obj or _is_blank(list(obj.values())):
            blank += 1
        else:
            records.append((line_no, [_json_text(obj.get(h)) for h in headers], None))
    if not records:
        raise _no_records(path)
    return RawTable(path, "jsonl", encoding, headers, _frame(headers, records), blank)


# ---------------------------------------------------------------- Parquet


def _read_parquet(path: Path, is_header: HeaderTest) -> RawTable:
    try:
        df = pl.read_parquet(path)
    except Exception as exc:  # polars raises ComputeError/OSError for broken files
        raise UserError(f"{path.name}: not a readable Parquet file ({exc})") from None
    if df.height == 0:
        raise _no_records(path)
    headers = list(df.columns)
    strings = df.select(
        pl.col(c).cast(pl.String).alias(f"c{i}") for i, c in enumerate(headers)
    ).with_row_index("_row", offset=1)
    frame = strings.with_columns(
        pl.col("_row").cast(pl.Int64), pl.lit(None, dtype=pl.String).alias("_reader_error")
    ).select("_row", "_reader_error", *[f"c{i}" for i in range(len(headers))])
    return RawTable(path, "parquet", None, headers, frame, 0)
