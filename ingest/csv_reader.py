"""CSV (UTF-8, UTF-8 with BOM, GBK/GB18030; comma, tab, semicolon or pipe) -> RawTable.

Lines are decoded one by one (ingest.encodings): a record on a line that does not decode cleanly
is quarantined as `bad_encoding`, the rest load. A record longer than the header is
`extra_fields` (a comma inside an unquoted value shifts the row) even when its surplus cells are
empty, unless every record carries that padding (a trailing delimiter on each line).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from core.errors import UserError
from ingest.encodings import decode_lines
from ingest.rawtable import (
    HEADER_SCAN_ROWS,
    HeaderTest,
    RawTable,
    Record,
    build_frame,
    find_header,
    is_blank,
    no_records,
    unique_headers,
)

# values of any size are read, then judged (rawtable.MAX_FIELD_BYTES) instead of the csv module
# refusing the whole file at its default 128 KB
csv.field_size_limit(2**31 - 1)


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _never_closed(lines: list[str], start: int, delimiter: str) -> bool:
    """True when the record starting at line `start` runs to the end of the file inside quotes."""
    chunk = io.StringIO("\n".join(lines[start - 1 :]))
    try:
        for _ in csv.reader(chunk, delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def read_csv(path: Path, is_header: HeaderTest) -> RawTable:
    decoded = decode_lines(path.read_bytes(), path.name)
    lines = decoded.lines
    first_line = next((ln for ln in lines[:HEADER_SCAN_ROWS] if ln.strip()), "")
    delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(decoded.text), delimiter=delimiter)
    raw: list[tuple[int, int, list[str]]] = []  # (first line, last line, cells)
    line = 0
    try:
        for rec in reader:
            raw.append((line + 1, reader.line_num, rec))
            line = reader.line_num
    except csv.Error as exc:
        raise UserError(f"{path.name} line {reader.line_num}: broken CSV ({exc})") from None
    if raw and raw[-1][1] > raw[-1][0] and _never_closed(lines, raw[-1][0], delimiter):
        start, end = raw[-1][:2]
        raise UserError(
            f"{path.name} line {start}: a quote opened in this record is never closed"
            f" (lines {start}-{end} would read as one record)"
        )
    nonblank = [(ln, rec) for ln, _, rec in raw if not is_blank(rec)]
    if not nonblank:
        raise UserError(f"{path.name}: file has no header and no data")
    h = find_header([rec for _, rec in nonblank], is_header, path.name)
    header_line, header_cells = nonblank[h]
    headers = unique_headers(header_cells)
    width = len(headers)
    data = [(first, last, rec) for first, last, rec in raw if first > header_line]
    # a delimiter after the last value of every line pads each record alike: not a shift
    padded = max(
        len(header_cells),
        min((len(rec) for _, _, rec in data if len(rec) >= width and not is_blank(rec)),
            default=width),
    )  # fmt: skip
    records: list[Record] = []
    blank = 0
    for first, last, rec in data:
        if is_blank(rec):
            blank += 1
            continue
        error = None
        if any(n in decoded.bad for n in range(first, last + 1)):
            error = "bad_encoding"
        elif len(rec) < width:
            error = "truncated_row"
        elif len(rec) > width and (not is_blank(rec[width:]) or len(rec) > padded):
            error = "extra_fields"
        records.append((first, list(rec[:width]), error, None))
    if not records:
        raise no_records(path)
    return RawTable(path, "csv", decoded.encoding, headers, build_frame(headers, records), blank)
