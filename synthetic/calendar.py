"""Months, dates, seasonality and per-component random streams.

Months are plain integers (year * 12 + month - 1) so schedules are cheap to compare and index.
Every random draw comes from a Generator seeded by (seed, component, month): a month's output
depends only on its inputs, never on how many draws another component made before it.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

from synthetic.params import SEASON_RENT, SEASON_SALES

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> int:
    """'2021-04' -> month number; ValueError with a one-line message otherwise."""
    m = _MONTH_RE.match(str(text).strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"bad month {text!r}: expected YYYY-MM, e.g. 2021-04")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def month_str(month: int) -> str:
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def year_of(month: int) -> int:
    return month // 12


def moy(month: int) -> int:
    """Month of year, 1..12."""
    return month % 12 + 1


def first_day(month: int) -> np.datetime64:
    return np.datetime64(month_str(month), "D")


def days_in(month: int) -> int:
    return int((first_day(month + 1) - first_day(month)).astype(int))


def random_days(rng: np.random.Generator, month: int, n: int) -> np.ndarray:
    """n dates (datetime64[D]) in `month`, weekdays twice as likely as weekends are not modelled."""
    return first_day(month) + rng.integers(0, days_in(month), size=n).astype("timedelta64[D]")


def rng_for(seed: int, component: str, month: int = 0) -> np.random.Generator:
    """Independent stream per (seed, component, month)."""
    key = zlib.crc32(component.encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence([seed & 0xFFFFFFFF, key, month]))


def season(month: int, kind: str = "sales") -> float:
    """Relative volume of this month of year (mean 1 over a year)."""
    table = SEASON_SALES if kind == "sales" else SEASON_RENT
    return table[month % 12] * 12.0 / sum(table)


def by_year(table: dict[int, float], year: int) -> float:
    """Value for `year`, holding the nearest known year outside the table."""
    years = sorted(table)
    return table[min(max(year, years[0]), years[-1])]
