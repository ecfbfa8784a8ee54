"""Repeat-rent index: the same unit's successive rents per ㎡, like Zillow's ZORI.

Reuses the repeat-sales machinery with sequential pairs and the geometric estimator, so a rent
series and a price series built with the same options are directly comparable. Keep
contract-based (备案) and asking-rent series apart: feed them separately.
"""

from __future__ import annotations

import polars as pl

from indices.periods import require_columns
from indices.repeat_sales import repeat_sales_index
from indices.result import IndexResult


def repeat_rent_index(
    rentals: pl.DataFrame,
    *,
    unit_col: str,
    date_col: str,
    rent_col: str,
    area_col: str | None = None,
    freq: str = "month",
    estimator: str = "geometric",
    min_gap_periods: int = 0,
    min_gap_months: int = 0,
    max_annual_return: float | None = None,
    group_col: str | None = None,
) -> IndexResult:
    """Index of rents from consecutive leases of the same unit (monthly rent, or per ㎡).

    With ``area_col`` the rent is divided by the area first, so a unit re-let as a smaller
    room (合租) does not read as a rent fall. Within a period the highest rent is kept.
    """
    require_columns(rentals, [unit_col, date_col, rent_col, area_col, group_col])
    rent = pl.col(rent_col).cast(pl.Float64)
    if area_col:
        rent = rent / pl.col(area_col).cast(pl.Float64)
    frame = rentals.with_columns(rent.alias("_rent"))
    result = repeat_sales_index(
        frame,
        id_col=unit_col,
        date_col=date_col,
        price_col="_rent",
        freq=freq,
        pairs="sequential",
        estimator=estimator,
        min_gap_periods=min_gap_periods,
        min_gap_months=min_gap_months,
        max_annual_return=max_annual_return,
        group_col=group_col,
    )
    return IndexResult(
        result.frame, f"repeat-rent/{estimator}", freq, group_col, result.diagnostics
    )
