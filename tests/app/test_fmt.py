"""Chinese number formatting (DOMAIN.md §4): the texts analysts read on the dashboard and briefs."""

from __future__ import annotations

import datetime as dt

import pytest

from app import fmt


def test_counts_keep_separators_and_unit() -> None:
    assert fmt.count(4512) == "4,512套"
    assert fmt.count(12.6, "宗") == "13宗"
    assert fmt.count(None) == "—"


def test_scaled_picks_wan_or_yi() -> None:
    assert fmt.scaled(123_456_789, "元") == "1.2亿元"
    assert fmt.scaled(523_000, "㎡") == "52.3万㎡"
    assert fmt.scaled(8350, "元") == "8,350元"
    assert fmt.scaled(-250_000_000, "元") == "-2.5亿元"


def test_area_and_money_units() -> None:
    assert fmt.area_wan(523_456) == "52.3万㎡"
    assert fmt.area_wan(8_000) == "0.8万㎡"
    assert fmt.money_yi(123_456_789) == "1.2亿元"
    assert fmt.money_yi(5_300_000) == "530.0万元"
    assert fmt.money_yi(float("nan")) == "—"


def test_price_whole_yuan_rent_one_decimal() -> None:
    assert fmt.price(12_345.4) == "12,345元/㎡"
    assert fmt.price(32.46, "元/㎡·月") == "32.5元/㎡·月"


def test_percent_one_decimal_signed() -> None:
    assert fmt.pct(3.249) == "3.2%"
    assert fmt.pct(0.26, signed=True) == "+0.3%"
    assert fmt.pct(-1.0, signed=True) == "-1.0%"
    assert fmt.pct(-0.01, signed=True) == "0.0%"


@pytest.mark.parametrize(
    ("change", "zh", "en"),
    [(0.3, "上涨", "up"), (-2.1, "下降", "down"), (0.04, "持平", "flat"), (-0.049, "持平", "flat"),
     (0.05, "上涨", "up")],
)  # fmt: skip
def test_direction_words_with_tolerance(change: float, zh: str, en: str) -> None:
    assert fmt.direction(change) == zh
    assert fmt.direction(change, "en") == en


def test_change_phrases_from_nbs_indices() -> None:
    assert fmt.index_to_pct(100.3) == pytest.approx(0.3)
    assert fmt.change_phrase(fmt.index_to_pct(100.3)) == "环比上涨0.3%"
    assert fmt.change_phrase(-2.14, "yoy") == "同比下降2.1%"
    assert fmt.change_phrase(0.0, "yoy") == "同比持平"
    assert fmt.change_phrase(0.3, "mom", "en") == "up 0.3% m/m"
    assert fmt.change_phrase(None) == "—"


def test_month_labels() -> None:
    assert fmt.month_label(dt.date(2025, 3, 1)) == "2025年3月"
    assert fmt.month_label("2025-12-01", "en") == "2025-12"
