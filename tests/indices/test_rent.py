"""Repeat-rent index: sequential pairs of the same unit's rents per ㎡."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from indices.rent import repeat_rent_index


def test_hand_example_rent_per_sqm_sequential_pairs() -> None:
    rentals = pl.DataFrame(
        {
            "unit": ["U1", "U1", "U1", "U2", "U2", "U3", "U3"],
            "start": [
                date(2024, 1, 1),
                date(2024, 2, 1),
                date(2024, 3, 1),
                date(2024, 1, 5),
                date(2024, 3, 5),
                date(2024, 2, 9),
                date(2024, 3, 9),
            ],
            "rent": [3000.0, 3150.0, 3300.0, 2000.0, 2200.0, 1500.0, 1500 * 1.1 / 1.05],
            "area": [100.0, 100.0, 100.0, 50.0, 50.0, 50.0, 50.0],
        }
    )
    result = repeat_rent_index(
        rentals, unit_col="unit", date_col="start", rent_col="rent", area_col="area"
    )
    assert result.frame["index"].to_list() == pytest.approx([100.0, 105.0, 110.0])
    assert result.diagnostics["pairs_used"] == 4  # U1: 2 sequential, U2: 1, U3: 1
    assert result.diagnostics["pairs_mode"] == "sequential"
    assert result.method == "repeat-rent/geometric"
    assert result.frame["n"].to_list() == [2, 3, 3]  # pairs touching each month
