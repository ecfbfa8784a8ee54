"""NBS matched-project method: the DOMAIN.md toy and a hand-computed example."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from indices.nbs import band_index, city_index, nbs_index, size_band

TOY_WEIGHTS = {"≤90": 0.30, "90–144": 0.55, ">144": 0.15}


def test_toy_band_and_city_indices_with_this_months_amount() -> None:
    low = band_index([1.01, 0.995], [5000, 3000], [10100 * 5000, 11940 * 3000])
    mid = band_index([1.01, 1.01], [8000, 2000], [11110 * 8000, 9090 * 2000])
    high = band_index([1.0], [1000], [15000 * 1000])
    assert low == pytest.approx(100.4075, abs=1e-4)
    assert mid == pytest.approx(101.0000, abs=1e-4)
    assert high == pytest.approx(100.0000, abs=1e-4)
    city = city_index({"≤90": low, "90–144": mid, ">144": high}, TOY_WEIGHTS)
    assert city == pytest.approx(100.6723, abs=1e-4)
    # Last month's amounts as weights would not reproduce the published toy.
    assert band_index([1.01, 0.995], [5000, 3000], [10000 * 5000, 12000 * 3000]) != (
        pytest.approx(100.4075, abs=1e-4)
    )


def _contracts(rows: list[tuple[str, date, float, float, int]]) -> pl.DataFrame:
    """rows: (project, day, area per contract, price per ㎡, number of contracts)."""
    out = [
        {"project_id": p, "sign_date": d, "area_sqm": a, "total_price_yuan": a * price}
        for p, d, a, price, k in rows
        for _ in range(k)
    ]
    return pl.DataFrame(out)


def test_toy_through_the_whole_pipeline() -> None:
    jan, feb = date(2020, 1, 10), date(2020, 2, 10)
    contracts = _contracts(
        [
            ("A", jan, 50, 10000, 1), ("A", feb, 50, 10100, 100),   # ≤90, 5000 ㎡
            ("B", jan, 50, 12000, 1), ("B", feb, 50, 11940, 60),    # ≤90, 3000 ㎡
            ("C", jan, 100, 11000, 1), ("C", feb, 100, 11110, 80),  # 90–144, 8000 ㎡
            ("D", jan, 100, 9000, 1), ("D", feb, 100, 9090, 20),    # 90–144, 2000 ㎡
            ("E", jan, 200, 15000, 1), ("E", feb, 200, 15000, 5),   # >144, 1000 ㎡
        ]
    )  # fmt: skip
    result = nbs_index(contracts, weights=TOY_WEIGHTS)
    feb_rows = result.frame.filter(pl.col("period") == "2020-02")
    mom = dict(zip(feb_rows["band"], feb_rows["mom"], strict=True))
    assert mom["≤90"] == pytest.approx(100.4075, abs=1e-4)
    assert mom["90–144"] == pytest.approx(101.0, abs=1e-4)
    assert mom[">144"] == pytest.approx(100.0, abs=1e-4)
    assert mom["city"] == pytest.approx(100.6723, abs=1e-4)
    assert feb_rows["n_projects_matched"].to_list() == [2, 2, 1, 5]
    assert result.value("2020-02", "city") == pytest.approx(100.6723, abs=1e-4)  # 定基


def test_size_bands_follow_nbs_boundaries() -> None:
    areas = pl.DataFrame({"a": [60.0, 90.0, 90.01, 144.0, 144.5]})
    assert areas.select(size_band(pl.col("a")).alias("band"))["band"].to_list() == [
        "≤90", "≤90", "90–144", "90–144", ">144",
    ]  # fmt: skip


def test_lookback_match_imputed_entries_and_empty_months() -> None:
    contracts = _contracts(
        [
            ("R", date(2020, 10, 5), 80, 6000, 1),   # R idles 5 months: not matched in March
            ("P", date(2021, 1, 5), 80, 10000, 1),
            ("Q", date(2021, 1, 6), 80, 20000, 1),
            # February 2021: no contracts at all
            ("P", date(2021, 3, 5), 80, 10500, 1),   # matched to January (look-back 2)
            ("Q", date(2021, 3, 6), 80, 20400, 1),   # matched to January
            ("N", date(2021, 3, 7), 80, 15000, 1),   # new project: imputed
            ("R", date(2021, 3, 8), 80, 12000, 1),   # idle 5 months: imputed
        ]
    )  # fmt: skip
    result = nbs_index(contracts, weights=TOY_WEIGHTS)
    low = result.frame.filter(pl.col("band") == "≤90")
    assert low["period"].to_list() == ["2020-10", "2020-11", "2020-12", "2021-01", "2021-02",
                                       "2021-03"]  # fmt: skip
    assert low["imputed"].to_list() == [False, True, True, False, True, False]
    assert low["mom"].to_list()[:5] == [100.0] * 5
    march = low.row(5, named=True)
    assert (march["n"], march["n_projects_matched"], march["n_imputed"]) == (4, 2, 2)
    r = {"P": 1.05, "Q": 1.02, "N": 1.035, "R": 1.035}  # median of matched = 1.035
    amount = {"P": 80 * 10500, "Q": 80 * 20400, "N": 80 * 15000, "R": 80 * 12000}
    by_area = sum(r.values()) / 4
    by_amount = sum(r[k] * amount[k] for k in r) / sum(amount.values())
    assert march["mom"] == pytest.approx(50 * (by_area + by_amount), abs=1e-9)
    assert march["index"] == pytest.approx(50 * (by_area + by_amount), abs=1e-9)
    empty = result.frame.filter(pl.col("period") == "2021-02")
    assert empty["mom"].to_list() == [100.0] * 4 and all(empty["imputed"])


def _steady_market() -> pl.DataFrame:
    """2019-01..2021-02: ≤90 rises 1 %/month, 90–144 rises 2 %/month.

    Area shares: 2019 ≤90 80 ㎡ vs 90–144 240 ㎡ (0.25 / 0.75); from 2020 240 vs 240 (0.5 / 0.5).
    """
    rows = []
    for k in range(26):
        day = date(2019 + k // 12, k % 12 + 1, 15)
        small = 1 if k < 12 else 3
        rows.append(("S", day, 80, 10000 * 1.01**k, small))
        rows.append(("L", day, 120, 10000 * 1.02**k, 2))
    return _contracts(rows)


def test_fixed_base_year_weights_switch_at_the_rotation_year() -> None:
    result = nbs_index(_steady_market(), base_years=(2019, 2020), weight_by="area")
    city = result.frame.filter(pl.col("band") == "city")
    by_period = {row["period"]: row for row in city.iter_rows(named=True)}
    assert by_period["2020-06"]["weight_year"] == 2019
    assert by_period["2020-06"]["mom"] == pytest.approx(0.25 * 101 + 0.75 * 102)
    assert by_period["2021-02"]["weight_year"] == 2020
    assert by_period["2021-02"]["mom"] == pytest.approx(0.5 * 101 + 0.5 * 102)
    low = result.frame.filter(pl.col("band") == "≤90", pl.col("period") == "2021-02")
    assert low["weight"].to_list() == [pytest.approx(0.5)]


def test_yoy_across_a_year_boundary_is_the_product_of_twelve_mom() -> None:
    frame = nbs_index(_steady_market(), base_years=(2019, 2020), weight_by="area").frame
    city = frame.filter(pl.col("band") == "city").sort("period_no")
    moms = city["mom"].to_list()
    jan21 = city["period"].to_list().index("2021-01")
    product = 100.0
    for m in moms[jan21 - 11 : jan21 + 1]:
        product *= m / 100.0
    assert city["yoy"][jan21] == pytest.approx(product, rel=1e-12)
    assert city["yoy"][jan21] == pytest.approx(100 * 1.0175**11 * 1.015, rel=1e-12)
    assert city["yoy"][:12].is_null().all()
    low = frame.filter(pl.col("band") == "≤90").sort("period_no")
    assert low["yoy"][20] == pytest.approx(100 * 1.01**12)
    # 1–2月平均 (上年同期=100): constant growth makes it 1.01^12 too.
    assert low.filter(pl.col("period") == "2021-02")["ytd_avg"][0] == pytest.approx(100 * 1.01**12)


def test_base_year_average_is_100_when_asked() -> None:
    frame = nbs_index(_steady_market(), base_years=(2019, 2020), base_year=2020).frame
    city_2020 = frame.filter(pl.col("band") == "city", pl.col("period").str.starts_with("2020"))
    assert city_2020["index"].mean() == pytest.approx(100.0)
