"""Project fixed-effects hedonic: equals the full dummy regression, recovers a known index."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from indices.fixed_effects import project_hedonic_index


def _dummy_ols_index(frame: pl.DataFrame) -> np.ndarray:
    """ln(price/area) on month dummies (first dropped), project dummies and log area."""
    months = sorted(frame["month"].unique())
    projects = sorted(frame["project"].unique())
    cols = [np.ones(frame.height)]
    cols += [(frame["month"] == m).cast(pl.Float64).to_numpy() for m in months[1:]]
    cols += [(frame["project"] == p).cast(pl.Float64).to_numpy() for p in projects[1:]]
    cols.append(np.log(frame["area"].to_numpy()))
    x = np.column_stack(cols)
    y = np.log((frame["price"] / frame["area"]).to_numpy())
    coef = np.linalg.lstsq(x, y, rcond=None)[0]
    return 100 * np.exp(np.concatenate([[0.0], coef[1 : len(months)]]))


def test_equals_the_dummy_variable_regression():
    rng = np.random.default_rng(7)
    n = 400
    frame = pl.DataFrame(
        {
            "month": rng.integers(1, 7, n),
            "project": rng.choice(["A", "B", "C", "D", "E"], n),
            "area": rng.uniform(60, 180, n),
        }
    ).with_columns(
        date=pl.date(2021, pl.col("month"), 1),
        price=pl.col("area") * 15000 * np.exp(rng.normal(0, 0.05, n)),
    )
    result = project_hedonic_index(
        frame.with_columns(larea=pl.col("area").log()),
        date_col="date", price_col="price", project_col="project", area_col="area",
        covariates=["larea"],
    )  # fmt: skip
    assert result.frame["index"].to_numpy() == pytest.approx(_dummy_ols_index(frame), rel=1e-8)
    assert result.diagnostics["n_projects"] == 5


def test_recovers_a_known_index_through_project_mix_changes():
    """Projects enter at other quality levels; the average price swings, the index does not."""
    rng = np.random.default_rng(11)
    months = 36
    truth = 100 * np.exp(np.cumsum(rng.normal(0.004, 0.006, months)))
    rows = []
    for j in range(60):
        start = rng.integers(0, months - 6)
        quality = np.exp(rng.normal(0, 0.25))
        for m in range(start, min(months, start + rng.integers(6, 18))):
            for _ in range(rng.integers(5, 25)):
                area = rng.uniform(70, 160)
                unit = 16000 * quality * truth[m] / 100 * np.exp(rng.normal(0, 0.03))
                rows.append((f"P{j:02d}", m, area, unit * area))
    frame = pl.DataFrame(rows, schema=["project", "m", "area", "price"], orient="row")
    frame = frame.with_columns(
        date=pl.col("m").map_elements(
            lambda m: dt.date(2020 + m // 12, m % 12 + 1, 1), return_dtype=pl.Date
        )
    )
    result = project_hedonic_index(
        frame, date_col="date", price_col="price", project_col="project", area_col="area"
    )
    got = result.frame.filter(~pl.col("imputed"))
    expected = truth[got["period_no"].to_numpy() - got["period_no"].min()]
    expected = 100 * expected / expected[0]
    assert np.max(np.abs(got["index"].to_numpy() / expected - 1)) < 0.01
    average = frame.group_by("m").agg(p=pl.col("price").sum() / pl.col("area").sum()).sort("m")
    swing = np.abs(np.diff(np.log(average["p"].to_numpy())) - np.diff(np.log(truth)))
    assert swing.max() > 0.03  # the mix moves the raw average by more than 3% in some month


def test_quarters_and_years_are_geometric_means_of_complete_periods():
    from indices.series import with_quarters_and_years

    months = [dt.date(2020, m, 1) for m in range(1, 13)] + [dt.date(2021, m, 1) for m in (1, 2)]
    levels = [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113]
    monthly = pl.DataFrame(
        {
            "market": "resale", "method": "m", "band": "all", "geo_level": "city",
            "geo_code": "320600", "geo_name": "全市", "period_grain": "month",
            "period_start": months, "index_value": [float(v) for v in levels],
            "mom_index": None, "yoy_index": None, "index_3m": None, "yoy_index_3m": None,
            "n": [10] * 14, "imputed": [False] * 14,
        }
    )  # fmt: skip
    floats = ("mom_index", "yoy_index", "index_3m", "yoy_index_3m")
    monthly = monthly.with_columns(pl.col(c).cast(pl.Float64) for c in floats)
    out = with_quarters_and_years(monthly)
    quarters = out.filter(pl.col("period_grain") == "quarter").sort("period_start")
    assert quarters.height == 4  # 2021-Q1 has two months only: not shown
    q1, q2 = quarters["index_value"][0], quarters["index_value"][1]
    assert q1 == pytest.approx((100 * 101 * 102) ** (1 / 3))
    assert quarters["mom_index"][1] == pytest.approx(100 * q2 / q1)
    assert quarters["n"].to_list() == [30] * 4
    years = out.filter(pl.col("period_grain") == "year")
    assert years["index_value"].to_list() == [pytest.approx(np.exp(np.mean(np.log(levels[:12]))))]
