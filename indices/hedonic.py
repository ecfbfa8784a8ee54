"""Time-dummy hedonic index: ln p = α + Σ δ_τ D_τ + Σ β_k z_k, I_τ = 100·exp(δ_τ).

Fitted by the within (Frisch–Waugh) transformation: covariates and ln p are demeaned by period,
β comes from the demeaned regression and the period effects from the period means. This is the
same OLS as the dummy regression, without an N × (T + k) design matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from core.errors import UserError
from indices.periods import as_date, check_freq, period_number, require_columns
from indices.result import IndexResult, fill_gaps, index_frame, stack_groups


def covariate_matrix(
    frame: pl.DataFrame, covariates: Sequence[str]
) -> tuple[np.ndarray, list[str]]:
    """Numeric covariates as they are; text/categorical/bool ones one-hot with the first
    (sorted) level dropped as the reference, so the columns are not collinear with α."""
    cols: list[np.ndarray] = []
    names: list[str] = []
    for c in covariates:
        dtype = frame.schema[c]
        if dtype.is_numeric():
            cols.append(frame[c].cast(pl.Float64).to_numpy())
            names.append(c)
            continue
        values = frame[c].cast(pl.String)
        for level in sorted(values.unique().to_list())[1:]:
            cols.append((values == level).cast(pl.Float64).to_numpy())
            names.append(f"{c}={level}")
    if not cols:
        return np.zeros((frame.height, 0)), names
    return np.column_stack(cols), names


def time_dummy_fit(
    pos: np.ndarray, size: int, log_price: np.ndarray, z: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Period effects δ (base = first period with data, NaN where empty) and β."""
    n = np.bincount(pos, minlength=size)
    safe = np.maximum(n, 1)
    y_mean = np.bincount(pos, log_price, size) / safe
    if z.shape[1]:
        z_mean = np.column_stack([np.bincount(pos, z[:, k], size) for k in range(z.shape[1])])
        z_mean /= safe[:, None]
        beta = np.linalg.lstsq(z - z_mean[pos], log_price - y_mean[pos], rcond=None)[0]
        alpha = y_mean - z_mean @ beta
    else:
        beta = np.zeros(0)
        alpha = y_mean
    alpha = np.where(n > 0, alpha, np.nan)
    base = np.flatnonzero(n > 0)
    return (alpha - alpha[base[0]] if base.size else alpha), beta


def prepare_sales(
    sales: pl.DataFrame, date_col: str, price_col: str, covariates: Sequence[str], freq: str
) -> pl.DataFrame:
    """Rows with a date, a positive price and every covariate, plus their period number."""
    check_freq(freq)
    require_columns(sales, [date_col, price_col, *covariates])
    keep = list(dict.fromkeys([date_col, price_col, *covariates]))
    frame = as_date(sales.select(keep), date_col).drop_nulls()
    frame = frame.filter(pl.col(price_col) > 0)
    if frame.is_empty():
        raise UserError(
            f"no usable sales: every row lacks a date, a positive {price_col!r} or a covariate"
        )
    return frame.with_columns(period_number(pl.col(date_col), freq).alias("_period"))


def _fit_frame(
    frame: pl.DataFrame, price_col: str, covariates: Sequence[str], first: int, size: int
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    pos = frame["_period"].to_numpy().astype(np.int64) - first
    z, names = covariate_matrix(frame, covariates)
    delta, beta = time_dummy_fit(pos, size, np.log(frame[price_col].to_numpy()), z)
    diag = {"n_sales": frame.height, "coefficients": dict(zip(names, beta.tolist(), strict=True))}
    return delta, np.bincount(pos, minlength=size), diag


def hedonic_index(
    sales: pl.DataFrame,
    *,
    date_col: str,
    price_col: str,
    covariates: Sequence[str] = (),
    freq: str = "month",
    group_col: str | None = None,
) -> IndexResult:
    """Time-dummy hedonic index on every sale (no de-duplication), optionally per group.

    Rows with a missing value or a non-positive price are left out (counted in diagnostics).
    """
    frame = prepare_sales(
        sales, date_col, price_col, [*covariates, *([group_col] if group_col else [])], freq
    )
    first, last = int(frame["_period"].min()), int(frame["_period"].max())
    periods = np.arange(first, last + 1)
    groups = sorted(frame[group_col].unique().to_list()) if group_col else [None]
    frames: dict[Any, pl.DataFrame] = {}
    diagnostics: dict[Any, dict[str, Any]] = {}
    for g in groups:
        part = frame if g is None else frame.filter(pl.col(group_col) == g)
        delta, n, diag = _fit_frame(part, price_col, covariates, first, periods.size)
        frames[g] = index_frame(periods, freq, delta, n)
        diagnostics[g] = diag | {"n_dropped": sales.height - frame.height}
    if group_col is None:
        return IndexResult(frames[None], "hedonic", freq, None, diagnostics[None])
    return IndexResult(stack_groups(frames, group_col), "hedonic", freq, group_col, diagnostics)


def rolling_hedonic_index(
    sales: pl.DataFrame,
    *,
    date_col: str,
    price_col: str,
    covariates: Sequence[str] = (),
    window: int = 13,
    freq: str = "month",
) -> IndexResult:
    """Rolling-window hedonic: published values are never revised.

    The first ``window`` periods come from one fit; after that each period is fitted on the last
    ``window`` periods and only its change over the previous period is chained on.
    """
    if window < 2:
        raise UserError(f"rolling window {window}: expected at least 2 periods")
    frame = prepare_sales(sales, date_col, price_col, covariates, freq)
    first, last = int(frame["_period"].min()), int(frame["_period"].max())
    size = last - first + 1
    level = np.zeros(size)
    head = frame.filter(pl.col("_period") < first + window)
    delta, n, _ = _fit_frame(head, price_col, covariates, first, min(window, size))
    level[: delta.size] = fill_gaps(delta, n > 0)
    for end in range(first + window, last + 1):
        part = frame.filter(pl.col("_period").is_between(end - window + 1, end))
        d, nn, _ = _fit_frame(part, price_col, covariates, end - window + 1, window)
        d = fill_gaps(d, nn > 0)
        level[end - first] = level[end - first - 1] + d[-1] - d[-2]
    counts = np.bincount(frame["_period"].to_numpy() - first, minlength=size)
    table = index_frame(
        np.arange(first, last + 1), freq, np.where(counts > 0, level, np.nan), counts
    )
    # Gaps are filled by the chaining itself; keep its values but show the flags.
    table = table.with_columns(index=pl.Series(100.0 * np.exp(level)))
    return IndexResult(table, f"hedonic/rolling-{window}", freq, None, {"window": window})
