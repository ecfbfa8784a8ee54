"""Readers: any supported file -> a table of strings with the file's own row numbers.

One reader per format (CSV in UTF-8/UTF-8-BOM/GBK/GB18030 in ingest.csv_reader, XLSX with title
rows, merged cells and several sheets in ingest.xlsx_reader, JSON Lines, Parquet). Readers never
interpret values; they only find the header, keep every record, count blank rows apart and flag
structural problems (`_reader_error`, ingest.rawtable) for quarantine.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from core.errors import UserError
from ingest.csv_reader import read_csv
from ingest.encodings import decode, decode_lines
from ingest.rawtable import (
    HeaderTest,
    RawTable,
    Record,
    build_frame,
    flag_huge_values,
    is_blank,
    no_records,
    scoped_errors,
)
from ingest.xlsx_reader import cell_text, read_xlsx

__all__ = ["SUFFIXES", "RawTable", "decode", "file_format", "read_table", "scoped_errors"]

SUFFIXES = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl",
    ".parquet": "parquet",
}  # fmt: skip


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
    readers = {"csv": read_csv, "xlsx": read_xlsx, "jsonl": _read_jsonl, "parquet": _read_parquet}
    return readers[file_format(path)](path, is_header)


# ---------------------------------------------------------------- JSON Lines


def _json_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return cell_text(value)
    return json.dumps(value, ensure_ascii=False)


def _read_jsonl(path: Path, is_header: HeaderTest) -> RawTable:
    """One object per line (a line that does not decode cleanly is `bad_encoding`), or a JSON
    array (refused whole when any line does not decode, as its records have no line)."""
    decoded = decode_lines(path.read_bytes(), path.name)
    stripped = decoded.text.lstrip()
    objects: list[tuple[int, dict[str, object] | None, str | None]] = []
    blank = 0
    if stripped.startswith("["):
        if decoded.bad:
            line_no = min(decoded.bad)
            raise UserError(
                f"{path.name} line {line_no}: {decoded.bad[line_no]} (a JSON array is read whole)"
            )
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise UserError(f"{path.name}: broken JSON array ({exc})") from None
        objects = [
            (i, o, None) if isinstance(o, dict) else (i, None, "bad_json")
            for i, o in enumerate(items, start=1)
        ]
    else:
        for i, line in enumerate(decoded.lines, start=1):
            if not line.strip():
                blank += 1
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                obj = None
            if i in decoded.bad:
                objects.append((i, obj if isinstance(obj, dict) else None, "bad_encoding"))
            elif isinstance(obj, dict):
                objects.append((i, obj, None))
            else:
                objects.append((i, None, "bad_json"))
    headers: list[str] = []
    seen: set[str] = set()
    for _, obj, error in objects:
        for key in obj if obj and not error else {}:
            if key not in seen:
                seen.add(key)
                headers.append(key)
    if not headers:
        raise UserError(f"{path.name}: no JSON objects found")
    records: list[Record] = []
    for line_no, obj, error in objects:
        if error:
            values = [_json_text(obj.get(h)) for h in headers] if obj else []
            records.append((line_no, values, error, None))
        elif not obj or is_blank(list(obj.values())):
            blank += 1
        else:
            records.append((line_no, [_json_text(obj.get(h)) for h in headers], None, None))
    if not records:
        raise no_records(path)
    frame = build_frame(headers, records)
    return RawTable(path, "jsonl", decoded.encoding, headers, frame, blank)


# ---------------------------------------------------------------- Parquet


def _read_parquet(path: Path, is_header: HeaderTest) -> RawTable:
    """Parquet strings are read whole; a value over MAX_FIELD_BYTES is `text_too_long`."""
    try:
        df = pl.read_parquet(path)
    except Exception as exc:  # polars raises ComputeError/OSError for broken files
        raise UserError(f"{path.name}: not a readable Parquet file ({exc})") from None
    if df.height == 0:
        raise no_records(path)
    headers = list(df.columns)
    strings = df.select(
        pl.col(c).cast(pl.String).alias(f"c{i}") for i, c in enumerate(headers)
    ).with_row_index("_row", offset=1)
    frame = strings.with_columns(
        pl.col("_row").cast(pl.Int64),
        pl.lit(None, dtype=pl.String).alias("_reader_error"),
        pl.lit(None, dtype=pl.String).alias("_error_cells"),
    ).select("_row", "_reader_error", "_error_cells", *[f"c{i}" for i in range(len(headers))])
    return RawTable(path, "parquet", None, headers, flag_huge_values(frame), 0)
