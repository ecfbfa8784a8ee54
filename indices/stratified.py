"""Stratified median (mix-adjusted) index.

Each finest stratum (e.g. block × size band × building-age band) contributes the relative of its
median price per ㎡ between a period and the previous period with sales. A stratum with fewer
than ``min_n`` sales in either period collapses to its parent (the last stratification key
dropped), repeatedly up to the whole market, and the collapse is reported. The period relative
is the weighted mean of the strata relatives, weights fixed per stratum (stock value); the index
chains the relatives from the first period (= 100).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from core.errors import UserError
from indices.periods import (
    as_date,
    check_freq,
    period_label_expr,
    period_number,
    require_columns,
)
from indices.result import IndexResult, index_frame


def _level_relatives(d: pl.DataFrame, keys: list[str], level: int) -> pl.DataFrame:
    """Median unit price and count per (keys, k) joined to the previous active period's."""
    stats = d.group_by([*keys, "_k"]).agg(med=pl.col("_unit").median(), cnt=pl.len())
    prev = stats.with_columns(pl.col("_k") + 1).rename({"med": "med_prev", "cnt": "cnt_prev"})
    both = stats.join(prev, on=[*keys, "_k"], how="inner")
    return both.select(
        *keys, "_k",
        pl.col("cnt").alias(f"n_{level}"),
        pl.col("cnt_prev").alias(f"n_prev_{level}"),
        (pl.col("med") / pl.col("med_prev")).alias(f"rel_{level}"),
    )  # fmt: skip


def stratified_median_index(
    sales: pl.DataFrame,
    *,
    date_col: str,
    price_col: str,
    strata: Sequence[str],
    area_col: str | None = None,
    weight_col: str | None = None,
    min_n: int = 10,
    freq: str = "month",
) -> IndexResult:
    """Mix-adjusted index from per-stratum median relatives.

    ``price_col`` is a price per ㎡, or a total price when ``area_col`` is given (then the unit
    price is price ÷ area). Stratum weights: the mean of ``weight_col`` in the stratum (a stock
    value joined onto each row), else the stratum's total transaction value over the sample (a
    proxy for stock value). ``diagnostics["collapsed"]`` lists every stratum-period that used a
    parent; ``frame.n_collapsed`` counts them per period.
    """
    check_freq(freq)
    strata = list(strata)
    if not strata:
        raise UserError("stratified index needs at least one stratum column")
    require_columns(sales, [date_col, price_col, area_col, weight_col, *strata])
    cols = list(dict.fromkeys(c for c in [date_col, price_col, area_col, weight_col, *strata] if c))
    d = as_date(sales.select(cols), date_col).drop_nulls([date_col, price_col, *strata])
    d = d.filter(pl.col(price_col) > 0)
    if area_col:
        d = d.filter(pl.col(area_col) > 0)
    if d.is_empty():
        raise UserError(f"no usable sales: need a date, a positive {price_col!r} and strata")
    unit = pl.col(price_col) / pl.col(area_col) if area_col else pl.col(price_col)
    d = d.with_columns(
        _unit=unit.cast(pl.Float64),
        _value=pl.col(price_col).cast(pl.Float64),
        _period=period_number(pl.col(date_col), freq),
    )
    active = d["_period"].unique().sort()
    d = d.join(pl.DataFrame({"_period": active, "_k": np.arange(active.len())}), on="_period")
    weight = pl.col(weight_col).mean() if weight_col else pl.col("_value").sum()
    weights = d.group_by(strata).agg(_w=weight.cast(pl.Float64))
    grid = weights.join(pl.DataFrame({"_k": np.arange(1, active.len())}), how="cross")
    depth = len(strata)
    rel = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.Float64))
    used = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.Int64))
    for level in range(depth, -1, -1):
        keys = strata[:level]
        grid = grid.join(_level_relatives(d, keys, level), on=[*keys, "_k"], how="left")
        need = min_n if level else 1
        ok = (pl.col(f"n_{level}") >= need) & (pl.col(f"n_prev_{level}") >= need)
        rel = rel.when(ok).then(pl.col(f"rel_{level}"))
        used = used.when(ok).then(pl.lit(level, dtype=pl.Int64))
    grid = grid.with_columns(relative=rel.otherwise(1.0), level=used.otherwise(-1))
    per_k = grid.group_by("_k").agg(
        r=(pl.col("_w") * pl.col("relative")).sum() / pl.col("_w").sum(),
        n_collapsed=(pl.col("level") < depth).sum().cast(pl.Int64),
    )
    per_k = pl.concat([pl.DataFrame({"_k": [0], "r": [1.0], "n_collapsed": [0]}), per_k],
                      how="vertical_relaxed").sort("_k")  # fmt: skip
    log_level = np.cumsum(np.log(per_k["r"].to_numpy()))
    first, last = int(active.min()), int(active.max())
    size = last - first + 1
    full = np.full(size, np.nan)
    collapsed_n = np.zeros(size, dtype=np.int64)
    pos = active.to_numpy() - first
    full[pos] = log_level
    collapsed_n[pos] = per_k["n_collapsed"].to_numpy()
    counts = np.bincount(d["_period"].to_numpy() - first, minlength=size)
    frame = index_frame(
        np.arange(first, last + 1), freq, full, counts, extra={"n_collapsed": collapsed_n}
    )
    collapsed = (
        grid.filter(pl.col("level") < depth)
        .join(d.select("_k", "_period").unique(), on="_k")
        .select(
            period_label_expr(pl.col("_period"), freq).alias("period"),
            *strata,
            pl.col("level"),
            pl.col(f"n_{depth}").alias("n"),
            pl.col(f"n_prev_{depth}").alias("n_prev"),
            pl.col("relative"),
        )
        .with_columns(pl.col("n", "n_prev").fill_null(0))
        .sort("period", *strata)
    )
    diagnostics: dict[str, Any] = {"collapsed": collapsed, "strata": weights.height}
    return IndexResult(frame, "stratified-median", freq, None, diagnostics)
