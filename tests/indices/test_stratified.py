"""Stratified median index: hand-computed chained medians and collapse to the parent stratum."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from indices.stratified import stratified_median_index


def _sales() -> pl.DataFrame:
    rows = []

    def add(block: str, band: str, month: int, price: float, k: int) -> None:
        rows.extend(
            {"block": block, "band": band, "date": date(2024, month, 15), "price": price}
            for _ in range(k)
        )

    add("A", "small", 1, 100, 10), add("A", "small", 2, 120, 10), add("A", "small", 3, 132, 10)
    add("A", "large", 1, 300, 5), add("A", "large", 2, 330, 5), add("A", "large", 3, 363, 5)
    add("B", "small", 1, 200, 12), add("B", "small", 2, 190, 12), add("B", "small", 3, 209, 12)
    weight = pl.when(pl.col("block") == "B").then(0.3)
    weight = weight.when(pl.col("band") == "small").then(0.5).otherwise(0.2)
    return pl.DataFrame(rows).with_columns(stock=weight)


def test_thin_stratum_collapses_to_its_parent_and_is_reported() -> None:
    result = stratified_median_index(
        _sales(), date_col="date", price_col="price", strata=["block", "band"], weight_col="stock"
    )
    # A/large has 5 sales (< 10): it takes block A's median relative, 120/100 not 330/300.
    # Feb: 0.5·1.2 + 0.2·1.2 + 0.3·0.95 = 1.125; Mar: every relative is 1.1.
    assert result.frame["index"].to_list() == pytest.approx([100.0, 112.5, 123.75])
    assert result.frame["n_collapsed"].to_list() == [0, 1, 1]
    collapsed = result.diagnostics["collapsed"]
    assert collapsed.select("period", "block", "band", "level", "n").rows() == [
        ("2024-02", "A", "large", 1, 5),
        ("2024-03", "A", "large", 1, 5),
    ]


def test_enough_sales_keep_the_stratum_own_median() -> None:
    result = stratified_median_index(
        _sales(), date_col="date", price_col="price", strata=["block", "band"],
        weight_col="stock", min_n=5,
    )  # fmt: skip
    # Feb: 0.5·1.2 + 0.2·1.1 + 0.3·0.95 = 1.105
    assert result.frame["index"][1] == pytest.approx(110.5)
    assert result.diagnostics["collapsed"].is_empty()


def test_default_weights_are_stock_value_and_total_price_over_area() -> None:
    sales = _sales().with_columns(area=pl.lit(2.0), total=pl.col("price") * 2)
    result = stratified_median_index(
        sales, date_col="date", price_col="total", area_col="area", strata=["block", "band"]
    )
    value = {"As": 2 * (1000 + 1200 + 1320), "Al": 2 * (1500 + 1650 + 1815),
             "B": 2 * (2400 + 2280 + 2508)}  # fmt: skip
    feb = (value["As"] * 1.2 + value["Al"] * 1.2 + value["B"] * 0.95) / sum(value.values())
    assert result.frame["index"][1] == pytest.approx(100 * feb)
