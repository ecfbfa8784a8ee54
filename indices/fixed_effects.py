"""Hedonic index with project fixed effects for new homes (Fang, Gu, Xiong and Zhou, 2016):

    ln p_i = δ_τ(i) + μ_j(i) + Σ β_k z_ik + ε_i,   I_τ = 100·exp(δ_τ − δ_base)

Comparing each project with itself over time removes the mix of projects entering and leaving
the market — the reason average prices swing ±3–8% a month — without chaining month-to-month
relatives, so errors do not accumulate the way the NBS matched chain's do. Both sets of dummies
are absorbed by alternating projections (no N × (T + J) design matrix): β from the two-way
demeaned data (Frisch–Waugh–Lovell), then the period and project effects from the residuals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from indices.hedonic import covariate_matrix, prepare_sales
from indices.result import IndexResult, index_frame

MAX_SWEEPS = 500
TOLERANCE = 1e-10


def _demean_two_way(
    values: np.ndarray, a: np.ndarray, b: np.ndarray, size_a: int, size_b: int
) -> tuple[np.ndarray, int]:
    """Columns of `values` with both factor means swept out, until the sweep stops changing."""
    n_a = np.maximum(np.bincount(a, minlength=size_a), 1)
    n_b = np.maximum(np.bincount(b, minlength=size_b), 1)
    out = values.copy()
    for sweep in range(1, MAX_SWEEPS + 1):
        before = out.copy()
        for col in range(out.shape[1]):
            out[:, col] -= (np.bincount(a, out[:, col], size_a) / n_a)[a]
            out[:, col] -= (np.bincount(b, out[:, col], size_b) / n_b)[b]
        if np.max(np.abs(out - before)) < TOLERANCE:
            return out, sweep
    return out, MAX_SWEEPS


def _effects(
    resid: np.ndarray, a: np.ndarray, b: np.ndarray, size_a: int, size_b: int
) -> np.ndarray:
    """Period effects of `resid` = δ_a + μ_b, by alternating means (normalised below)."""
    n_a = np.maximum(np.bincount(a, minlength=size_a), 1)
    n_b = np.maximum(np.bincount(b, minlength=size_b), 1)
    delta = np.zeros(size_a)
    mu = np.zeros(size_b)
    for _ in range(MAX_SWEEPS):
        mu_new = np.bincount(b, resid - delta[a], size_b) / n_b
        delta_new = np.bincount(a, resid - mu_new[b], size_a) / n_a
        done = max(np.max(np.abs(mu_new - mu)), np.max(np.abs(delta_new - delta))) < TOLERANCE
        delta, mu = delta_new, mu_new
        if done:
            break
    return delta


def project_hedonic_index(
    sales: pl.DataFrame,
    *,
    date_col: str,
    price_col: str,
    project_col: str,
    area_col: str | None = None,
    covariates: Sequence[str] = (),
    freq: str = "month",
) -> IndexResult:
    """Index of price per ㎡ (when `area_col` is given) or of price, with project effects.

    Periods are identified through projects selling in more than one period; a period whose
    projects sell nowhere else is not identified and is filled like an empty one (`imputed`).
    """
    frame = prepare_sales(
        sales,
        date_col,
        price_col,
        [project_col, *covariates, *([area_col] if area_col else [])],
        freq,
    )
    price = frame[price_col].to_numpy().astype(float)
    if area_col:
        frame = frame.filter(pl.col(area_col) > 0)
        price = (frame[price_col] / frame[area_col]).to_numpy()
    first, last = int(frame["_period"].min()), int(frame["_period"].max())
    size_t = last - first + 1
    t = frame["_period"].to_numpy().astype(np.int64) - first
    p = frame[project_col].cast(pl.String).rank("dense").to_numpy().astype(np.int64) - 1
    size_p = int(p.max()) + 1
    z, names = covariate_matrix(frame, covariates)
    y = np.log(price)
    stacked, sweeps = _demean_two_way(np.column_stack([y, z]), t, p, size_t, size_p)
    beta = (
        np.linalg.lstsq(stacked[:, 1:], stacked[:, 0], rcond=None)[0] if z.shape[1] else np.zeros(0)
    )
    delta = _effects(y - z @ beta, t, p, size_t, size_p)
    n = np.bincount(t, minlength=size_t)
    # a period is identified when one of its projects also sells in another period
    spans = frame.group_by(project_col).agg(pl.col("_period").n_unique().alias("_k"))
    linked = frame.join(spans, on=project_col).filter(pl.col("_k") > 1)
    identified = np.zeros(size_t, dtype=bool)
    identified[linked["_period"].to_numpy().astype(np.int64) - first] = True
    log_level = np.where((n > 0) & identified, delta, np.nan)
    base = np.flatnonzero(np.isfinite(log_level))
    log_level = log_level - (log_level[base[0]] if base.size else 0.0)
    diagnostics = {
        "n_sales": frame.height,
        "n_projects": size_p,
        "sweeps": sweeps,
        "coefficients": dict(zip(names, beta.tolist(), strict=True)),
        "n_unidentified_periods": int(((n > 0) & ~identified).sum()),
    }
    return IndexResult(
        index_frame(np.arange(first, last + 1), freq, log_level, n),
        "hedonic_project_fe",
        freq,
        None,
        diagnostics,
    )
