"""Numbers the Chinese way (DOMAIN.md §4): 万/亿 scaling, one decimal for percentages, 元/㎡ prices
and 环比/同比 direction words. Shared by the dashboard and the briefs, so both print the same text.

Every function returns "—" for a missing value (None or NaN): a gap is shown, never a zero.
"""

from __future__ import annotations

import math
from typing import Literal

Lang = Literal["zh", "en"]
MISSING = "—"
WAN = 1e4
YI = 1e8
FLAT_TOLERANCE_PCT = (
    0.05  # |change| below this (in %) reads as 持平: it rounds to 0.0 or ±0.1 noise
)


def _missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def count(value: float | int | None, unit: str = "套") -> str:
    """Whole counts with thousands separators: 4,512套 (units stay as given, e.g. 宗, 家, 条)."""
    if _missing(value):
        return MISSING
    return f"{round(value):,}{unit}"


def scaled(value: float | int | None, unit: str = "", decimals: int = 1) -> str:
    """A magnitude in 亿 from 1e8, in 万 from 1e4, else plain: 1.2亿元, 52.3万㎡, 8,350元."""
    if _missing(value):
        return MISSING
    size = abs(value)
    if size >= YI:
        return f"{value / YI:,.{decimals}f}亿{unit}"
    if size >= WAN:
        return f"{value / WAN:,.{decimals}f}万{unit}"
    return f"{value:,.0f}{unit}"


def area_wan(sqm: float | int | None, decimals: int = 1) -> str:
    """Areas are reported in 万㎡ (DOMAIN.md §4), even small ones: 0.8万㎡."""
    if _missing(sqm):
        return MISSING
    return f"{sqm / WAN:,.{decimals}f}万㎡"


def money_yi(yuan: float | int | None, decimals: int = 1) -> str:
    """Amounts are reported in 亿元: 1.2亿元; below 0.1亿 fall back to 万元 so it is not 0.0亿元."""
    if _missing(yuan):
        return MISSING
    if abs(yuan) < YI / 10:
        return f"{yuan / WAN:,.{decimals}f}万元"
    return f"{yuan / YI:,.{decimals}f}亿元"


def price(yuan_per_sqm: float | int | None, unit: str = "元/㎡") -> str:
    """Unit prices whole with separators: 12,345元/㎡; small values (rents) with 1 decimal."""
    if _missing(yuan_per_sqm):
        return MISSING
    decimals = 1 if abs(yuan_per_sqm) < 100 else 0
    return f"{yuan_per_sqm:,.{decimals}f}{unit}"


def pct(value: float | int | None, signed: bool = False, decimals: int = 1) -> str:
    """A value already in percent, one decimal: 3.2% (signed: +3.2% / -1.0%)."""
    if _missing(value):
        return MISSING
    text = f"{value:+.{decimals}f}%" if signed else f"{value:.{decimals}f}%"
    return text.replace("+0.0%", "0.0%").replace("-0.0%", "0.0%")


def index_to_pct(index: float | int | None) -> float | None:
    """NBS index (上月=100 / 上年同月=100) to a percent change: 100.3 → 0.3."""
    if _missing(index):
        return None
    return float(index) - 100.0


def direction(
    change_pct: float | int | None, lang: Lang = "zh", tolerance: float = FLAT_TOLERANCE_PCT
) -> str:
    """上涨 / 下降 / 持平 for a percent change; within ±tolerance it is 持平 (flat)."""
    if _missing(change_pct):
        return MISSING
    if abs(change_pct) < tolerance:
        return "持平" if lang == "zh" else "flat"
    if change_pct > 0:
        return "上涨" if lang == "zh" else "up"
    return "下降" if lang == "zh" else "down"


def change_phrase(
    change_pct: float | int | None,
    basis: Literal["mom", "yoy"] = "mom",
    lang: Lang = "zh",
    tolerance: float = FLAT_TOLERANCE_PCT,
) -> str:
    """环比上涨0.3% / 同比下降2.1% / 环比持平 (en: 'up 0.3% m/m', 'flat y/y')."""
    if _missing(change_pct):
        return MISSING
    word = direction(change_pct, lang, tolerance)
    flat = word in ("持平", "flat")
    size = f"{abs(change_pct):.1f}%"
    if lang == "zh":
        head = "环比" if basis == "mom" else "同比"
        return f"{head}{word}" if flat else f"{head}{word}{size}"
    tail = "m/m" if basis == "mom" else "y/y"
    return f"{word} {tail}" if flat else f"{word} {size} {tail}"


def index_value(index: float | int | None, decimals: int = 1) -> str:
    """An index point, one decimal: 100.3."""
    if _missing(index):
        return MISSING
    return f"{index:.{decimals}f}"


def month_label(period: object, lang: Lang = "zh") -> str:
    """2025-12-01 → 2025年12月 (zh) / 2025-12 (en)."""
    if period is None:
        return MISSING
    text = str(period)[:7]
    year, _, month = text.partition("-")
    if lang == "zh" and month:
        return f"{year}年{int(month)}月"
    return text
