"""File formats as bureaus send them: GBK/CRLF CSV, UTF-8(+BOM) CSV, JSON Lines, titled Excel.

Writers take frames of strings and append, so a yearly file grows month by month and memory
holds one month at a time (Excel: one year's small table). Output is byte-stable: no
timestamps, fixed workbook properties.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import xlsxwriter

FIXED_CREATED = dt.datetime(2016, 1, 1, 0, 0, 0)


class CsvSink:
    """Appends string frames to one CSV file; the header goes in with the first chunk."""

    def __init__(
        self, path: Path, encoding: str = "utf-8", bom: bool = False, crlf: bool = False
    ) -> None:
        self.path = path
        self.encoding = encoding
        self.bom = bom
        self.crlf = crlf
        self.rows = 0

    def write(self, df: pl.DataFrame) -> int:
        """Append `df`; returns the number of data rows already in the file before it."""
        before = self.rows
        text = df.write_csv(
            include_header=before == 0, line_terminator="\r\n" if self.crlf else "\n"
        )
        data = text.encode(self.encoding)
        if before == 0:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            mode = "wb"
            if self.bom:
                data = b"\xef\xbb\xbf" + data
        else:
            mode = "ab"
        with self.path.open(mode) as fh:
            fh.write(data)
        self.rows += len(df)
        return before


class JsonlSink:
    """JSON Lines with typed numbers and booleans (strings in the frame are unquoted on write)."""

    def __init__(self, path: Path, numeric: tuple[str, ...], boolean: tuple[str, ...]) -> None:
        self.path = path
        self.rows = 0
        num = "|".join(numeric)
        self._num = re.compile(rf'"({num})":"(-?\d+(?:\.\d+)?)"')
        self._bool = re.compile(rf'"({"|".join(boolean)})":"(true|false)"')

    def write(self, df: pl.DataFrame) -> int:
        before = self.rows
        text = df.write_ndjson()
        text = self._bool.sub(r'"\1":\2', self._num.sub(r'"\1":\2', text))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("wb" if before == 0 else "ab") as fh:
            fh.write(text.encode("utf-8"))
        self.rows += len(df)
        return before


def write_titled_xlsx(
    path: Path,
    title: str,
    subtitle: str,
    df: pl.DataFrame,
    numeric: tuple[str, ...] = (),
    dates: tuple[str, ...] = (),
) -> None:
    """A merged title row, a subtitle row, then the header row and data (strings → typed cells).

    Numeric columns become numbers when they parse; date columns become Excel dates when they
    are valid ISO dates; anything else (the planted faults) stays text, as in real exports.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    wb.set_properties({"created": FIXED_CREATED, "author": "HouseWatch synthetic", "title": title})
    ws = wb.add_worksheet("Sheet1")
    bold = wb.add_format({"bold": True, "align": "center", "font_size": 14})
    head = wb.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ncol = len(df.columns)
    ws.merge_range(0, 0, 0, max(ncol - 1, 1), title, bold)
    ws.write_string(1, 0, subtitle)
    for j, name in enumerate(df.columns):
        ws.write_string(2, j, name, head)
        ws.set_column(j, j, max(10, min(28, len(name) * 2 + 2)))
    for j, name in enumerate(df.columns):
        values = df[name].to_list()
        for i, v in enumerate(values):
            row = 3 + i
            if v is None:
                continue
            if name in numeric:
                try:
                    ws.write_number(row, j, float(v))
                    continue
                except ValueError:
                    pass
            if name in dates:
                try:
                    ws.write_datetime(row, j, dt.datetime.strptime(v, "%Y-%m-%d"), date_fmt)
                    continue
                except ValueError:
                    pass
            ws.write_string(row, j, v)
    wb.close()
