"""Period keys (month, quarter, year) for index estimation.

A period number is an absolute ordinal (month: year·12 + month − 1, quarter: year·4 + q − 1,
year: the year), so consecutive periods differ by one and gaps are plain subtraction. Labels
are what people read: ``2021-04``, ``2021-Q2``, ``2021``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

import polars as pl

from core.errors import UserError

Freq = Literal["month", "quarter", "year"]
FREQS: tuple[str, ...] = get_args(Freq)
MONTHS_PER_PERIOD: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}


def check_freq(freq: str) -> Freq:
    """The frequency, or a UserError naming the accepted ones."""
    if freq not in FREQS:
        raise UserError(f"frequency {freq!r}: expected one of {', '.join(FREQS)}")
    return freq  # type: ignore[return-value]


def month_number(date: pl.Expr) -> pl.Expr:
    """Month ordinal of a date (year·12 + month − 1): gaps in months by subtraction."""
    return date.dt.year().cast(pl.Int64) * 12 + date.dt.month().cast(pl.Int64) - 1


def period_number(date: pl.Expr, freq: str) -> pl.Expr:
    """Integer period ordinal of a date column at the given frequency."""
    check_freq(freq)
    year = date.dt.year().cast(pl.Int64)
    month = date.dt.month().cast(pl.Int64)
    if freq == "month":
        return year * 12 + month - 1
    if freq == "quarter":
        return year * 4 + (month - 1) // 3
    return year


def period_label(number: int, freq: str | None) -> str:
    """``2021-04`` / ``2021-Q2`` / ``2021``; a bare number when the periods have no calendar."""
    number = int(number)
    if freq is None:
        return str(number)
    if freq == "month":
        return f"{number // 12:04d}-{number % 12 + 1:02d}"
    if freq == "quarter":
        return f"{number // 4:04d}-Q{number % 4 + 1}"
    return f"{number:04d}"


def period_label_expr(number: pl.Expr, freq: str) -> pl.Expr:
    """Vectorised :func:`period_label` for a column of period numbers."""
    check_freq(freq)
    if freq == "year":
        return number.cast(pl.String)
    per_year = 12 if freq == "month" else 4
    year = (number // per_year).cast(pl.String).str.zfill(4)
    part = (number % per_year + 1).cast(pl.String)
    if freq == "month":
        return pl.concat_str(year, pl.lit("-"), part.str.zfill(2))
    return pl.concat_str(year, pl.lit("-Q"), part)


def period_labels(numbers: Sequence[int], freq: str | None) -> list[str]:
    """Labels of many period numbers."""
    return [period_label(n, freq) for n in numbers]


def parse_period(label: str, freq: str) -> int:
    """Period number of a label such as ``2021-04``, ``2021-Q2`` or ``2021``."""
    try:
        if freq == "month":
            year, month = label.split("-")
            return int(year) * 12 + int(month) - 1
        if freq == "quarter":
            year, quarter = label.upper().split("-Q")
            return int(year) * 4 + int(quarter) - 1
        return int(label)
    except ValueError:
        msg = f"period {label!r} is not a {freq} label (2021-04, 2021-Q2, 2021)"
        raise UserError(msg) from None


def as_date(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """The frame with ``column`` as a Date: parses ISO strings, truncates datetimes.

    Other formats (2021年4月, 2021/4/1) are the ingest layer's job; here they are a user error.
    """
    require_columns(frame, [column])
    dtype = frame.schema[column]
    if dtype == pl.Date:
        return frame
    if isinstance(dtype, pl.Datetime):
        return frame.with_columns(pl.col(column).dt.date())
    if dtype == pl.String:
        parsed = frame.with_columns(pl.col(column).str.to_date(strict=False))
        bad = parsed[column].null_count() - frame[column].null_count()
        if bad:
            raise UserError(f"column {column!r}: {bad} value(s) are not ISO dates (YYYY-MM-DD)")
        return parsed
    raise UserError(f"column {column!r} has type {dtype}, expected a date")


def require_columns(frame: pl.DataFrame, columns: Sequence[str | None]) -> None:
    """A UserError naming the first column the frame lacks."""
    for column in columns:
        if column is not None and column not in frame.columns:
            have = ", ".join(frame.columns[:12])
            raise UserError(f"column {column!r} not found (columns: {have})")
