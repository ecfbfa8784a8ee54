"""Repeat-sales estimators: geometric (BMN), Case–Shiller weighted, arithmetic (Shiller ARS).

All three solve small T×T normal equations assembled with ``np.bincount`` from the pair list,
so the N×T design matrix is never built: 200k pairs over 120 periods take milliseconds.
Periods that no pair touches are left out of the solve and filled afterwards (see
:func:`indices.result.fill_gaps`); the base is the first period with data.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import numpy as np
import polars as pl

from core.errors import UserError
from indices.pairs import flag_pairs, make_pairs
from indices.periods import as_date, check_freq, period_number, require_columns
from indices.result import IndexResult, index_frame, stack_groups

Estimator = Literal["geometric", "weighted", "arithmetic"]
ESTIMATORS: tuple[str, ...] = get_args(Estimator)


def _cross(s, t, size, u_s, u_t, v_s, v_t) -> np.ndarray:
    """Σ_i U_iᵀV_i for rows U_i = u_t·e_t − u_s·e_s and V_i = v_t·e_t − v_s·e_s."""
    flat = size * size
    m = (
        np.bincount(t * size + t, u_t * v_t, flat)
        + np.bincount(s * size + s, u_s * v_s, flat)
        - np.bincount(t * size + s, u_t * v_s, flat)
        - np.bincount(s * size + t, u_s * v_t, flat)
    )
    return m.reshape(size, size)


def _rhs(s, t, size, u_s, u_t, y) -> np.ndarray:
    """Σ_i U_iᵀ y_i for the same rows."""
    return np.bincount(t, u_t * y, size) - np.bincount(s, u_s * y, size)


def _touched(s: np.ndarray, t: np.ndarray, size: int) -> np.ndarray:
    """Pairs per period (either sale in it): the period's ``n``."""
    return np.bincount(s, minlength=size) + np.bincount(t, minlength=size)


def _solve(a: np.ndarray, b: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, int]:
    """Solve on the periods with data, base = the first of them fixed at 0; NaN elsewhere."""
    free = np.flatnonzero(n > 0)[1:]
    out = np.full(a.shape[0], np.nan)
    if (n > 0).any():
        out[np.flatnonzero(n > 0)[0]] = 0.0
    if free.size:
        sol, _, rank, _ = np.linalg.lstsq(a[np.ix_(free, free)], b[free], rcond=None)
        out[free] = sol
        return out, int(rank)
    return out, 0


def bmn(
    s: np.ndarray, t: np.ndarray, log_rel: np.ndarray, size: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """Geometric (Bailey–Muth–Nourse): (W)LS of ln(P_t/P_s) on +1 at t, −1 at s; log levels."""
    w = np.ones_like(log_rel) if weights is None else weights
    one = np.ones_like(log_rel)
    a = _cross(s, t, size, w, w, one, one)
    b = _rhs(s, t, size, w, w, log_rel)
    return _solve(a, b, _touched(s, t, size))[0]


def case_shiller(
    s: np.ndarray, t: np.ndarray, log_rel: np.ndarray, size: int, floor_fraction: float = 0.1
) -> tuple[np.ndarray, dict[str, Any]]:
    """Case–Shiller 3-stage: OLS, squared residuals on a + b·gap, GLS with 1/fitted variance.

    The fitted variance is floored at ``floor_fraction`` × mean squared residual: on real data
    the slope b can be negative, and an unfloored variance would go to zero or below and hand
    long holds infinite or negative weight. ``floor_bound`` says whether the floor was used.
    """
    beta = bmn(s, t, log_rel, size)
    resid = log_rel - (beta[t] - beta[s])
    gap = (t - s).astype(float)
    e2 = resid**2
    coef = np.linalg.lstsq(np.column_stack([np.ones_like(gap), gap]), e2, rcond=None)[0]
    fitted = coef[0] + coef[1] * gap
    floor = max(floor_fraction * float(e2.mean()), np.finfo(float).tiny)
    floored = fitted < floor
    weights = 1.0 / np.where(floored, floor, fitted)
    diag = {
        "variance_intercept": float(coef[0]),
        "variance_slope": float(coef[1]),
        "variance_floor": floor,
        "floor_bound": bool(floored.any()),
        "n_floored": int(floored.sum()),
        "weights": weights,
    }
    return bmn(s, t, log_rel, size, weights), diag


def ars(
    s: np.ndarray, t: np.ndarray, price_s: np.ndarray, price_t: np.ndarray, size: int
) -> np.ndarray:
    """Arithmetic value-weighted repeat sales (Shiller 1991), as an IV estimator; log levels.

    Unknowns are price-level reciprocals γ_t = 1/I_t with γ_base = 1. Each pair says
    P_t·γ_t − P_s·γ_s = u; the base terms move to the right-hand side, and the ±1 period
    dummies instrument the price-valued regressors: γ = (WᵀZ)⁻¹ WᵀY.
    """
    n = _touched(s, t, size)
    base = int(np.flatnonzero(n > 0)[0]) if (n > 0).any() else 0
    one = np.ones_like(price_s)
    wz = _cross(s, t, size, one, one, price_s, price_t)
    y = np.where(s == base, price_s, 0.0) - np.where(t == base, price_t, 0.0)
    gamma, _ = _solve(wz, _rhs(s, t, size, one, one, y), n)
    gamma[base] = 1.0 if (n > 0).any() else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(gamma > 0, -np.log(gamma), np.nan)


def _fit(
    pairs: pl.DataFrame, first: int, last: int, estimator: str, floor_fraction: float
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    size = last - first + 1
    s = pairs["period_1"].to_numpy().astype(np.int64) - first
    t = pairs["period_2"].to_numpy().astype(np.int64) - first
    p_s = pairs["price_1"].to_numpy().astype(float)
    p_t = pairs["price_2"].to_numpy().astype(float)
    diag: dict[str, Any] = {"n_pairs": int(s.size)}
    if estimator == "geometric":
        level = bmn(s, t, np.log(p_t / p_s), size)
    elif estimator == "weighted":
        level, cs = case_shiller(s, t, np.log(p_t / p_s), size, floor_fraction)
        diag.update(cs)
    else:
        level = ars(s, t, p_s, p_t, size)
    return level, _touched(s, t, size), diag


def index_from_pairs(
    pairs: pl.DataFrame,
    *,
    estimator: str = "geometric",
    freq: str | None = None,
    group_col: str | None = None,
    first_period: int | None = None,
    last_period: int | None = None,
    floor_fraction: float = 0.1,
) -> IndexResult:
    """Index from ready pairs (columns ``period_1, period_2, price_1, price_2``).

    Periods are integer numbers (see :mod:`periods`); the range defaults to the pairs' span.
    Grouped indices share the range, so every group has the same first period = 100 (a group
    with no pair in it is based on its own first period with data, and flagged imputed before).
    """
    if estimator not in ESTIMATORS:
        raise UserError(f"estimator {estimator!r}: expected one of {', '.join(ESTIMATORS)}")
    require_columns(pairs, ["period_1", "period_2", "price_1", "price_2", group_col])
    if pairs.is_empty():
        raise UserError("no repeat-sales pairs: need properties sold in two different periods")
    first = int(pairs["period_1"].min()) if first_period is None else first_period
    last = int(pairs["period_2"].max()) if last_period is None else last_period
    pairs = pairs.filter(pl.col("period_1") >= first, pl.col("period_2") <= last)
    periods = np.arange(first, last + 1)
    groups = sorted(pairs[group_col].unique().to_list()) if group_col else [None]
    frames: dict[Any, pl.DataFrame] = {}
    diagnostics: dict[Any, dict[str, Any]] = {}
    for g in groups:
        part = pairs if g is None else pairs.filter(pl.col(group_col) == g)
        level, n, diag = _fit(part, first, last, estimator, floor_fraction)
        frames[g] = index_frame(periods, freq, level, n)
        diagnostics[g] = diag
    if group_col is None:
        return IndexResult(frames[None], f"repeat-sales/{estimator}", freq, None, diagnostics[None])
    frame = stack_groups(frames, group_col)
    return IndexResult(frame, f"repeat-sales/{estimator}", freq, group_col, diagnostics)


def repeat_sales_index(
    sales: pl.DataFrame,
    *,
    id_col: str,
    date_col: str,
    price_col: str,
    freq: str = "month",
    pairs: str = "all",
    estimator: str = "geometric",
    min_gap_periods: int = 0,
    min_gap_months: int = 0,
    max_annual_return: float | None = None,
    group_col: str | None = None,
    floor_fraction: float = 0.1,
) -> IndexResult:
    """Repeat-sales index from sale rows: pairs, screens, estimator, gap filling.

    The period range spans every dated sale, so a last period with sales but no pair is shown
    (carried forward, flagged ``imputed``) rather than silently cut. Diagnostics count the
    pairs formed and dropped by each screen.
    """
    check_freq(freq)
    require_columns(sales, [id_col, date_col, price_col, group_col])
    made = make_pairs(
        sales, id_col=id_col, date_col=date_col, price_col=price_col,
        freq=freq, pairs=pairs, group_col=group_col,
    )  # fmt: skip
    flagged = flag_pairs(
        made,
        min_gap_periods=min_gap_periods,
        min_gap_months=min_gap_months,
        max_annual_return=max_annual_return,
    )
    kept = flagged.filter(pl.col("dropped").is_null()).drop("dropped")
    if kept.is_empty():
        raise UserError(
            f"no repeat-sales pairs in column {id_col!r} after screens "
            f"({made.height} formed, all dropped or none sold twice)"
        )
    span = as_date(sales.select(date_col), date_col).select(
        period_number(pl.col(date_col), freq).min().alias("lo"),
        period_number(pl.col(date_col), freq).max().alias("hi"),
    )
    result = index_from_pairs(
        kept,
        estimator=estimator,
        freq=freq,
        group_col=group_col,
        first_period=int(span["lo"][0]),
        last_period=int(span["hi"][0]),
        floor_fraction=floor_fraction,
    )
    counts = dict(flagged.group_by("dropped").len().iter_rows())
    result.diagnostics["pairs_formed"] = made.height
    result.diagnostics["pairs_dropped_gap"] = int(counts.get("gap", 0))
    result.diagnostics["pairs_dropped_return"] = int(counts.get("return", 0))
    result.diagnostics["pairs_used"] = kept.height
    result.diagnostics["pairs_mode"] = pairs
    return result
