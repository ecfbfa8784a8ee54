"""Latent quality-adjusted price indices per district and month (the truth prices hang on).

Each market follows a city cycle (piecewise-constant monthly log growth), scaled per district and
smoothed with a little AR(1) noise, so 环比 stays within roughly ±0.8% (2021 up to +1.5%). A
planted surge adds extra growth to one district. Index = 100 at 2016-01.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic.calendar import parse_month, rng_for
from synthetic.geo import Geography
from synthetic.params import GROWTH, GROWTH_MULT, PEAK_LEVEL

MARKETS = ("new_home", "resale", "rent", "land")
BASE_MONTH = parse_month("2016-01")
_NOISE_SD = {"new_home": 0.10, "resale": 0.12, "rent": 0.15, "land": 0.6}
_MULT_POWER = {"new_home": 1.0, "resale": 1.0, "rent": 0.5, "land": 1.0}


@dataclass
class Surge:
    """Extra monthly growth (percent) for one district and market over [first, last]."""

    district: int
    market: str
    first: int
    last: int
    extra_pct: float
    revert_pct: float = 0.0  # negative growth over the following six months


@dataclass
class LatentIndex:
    """index[market] has shape (districts, months) starting at month `first`; base levels."""

    first: int
    index: dict[str, np.ndarray]
    base: dict[str, np.ndarray]

    def at(self, market: str, district: int | np.ndarray, month: int) -> np.ndarray:
        return self.index[market][district, month - self.first]

    def yoy(self, market: str, district: int, month: int) -> float | None:
        """同比 in percent, None when last year's month is not simulated."""
        if month - 12 < self.first:
            return None
        arr = self.index[market][district]
        return float(arr[month - self.first] / arr[month - 12 - self.first] * 100 - 100)


def _city_growth(market: str, months: np.ndarray) -> np.ndarray:
    points = [(parse_month(m), g) for m, g in GROWTH[market]]
    out = np.zeros(len(months))
    for start, g in points:
        out[months >= start] = g
    return out


def build_latent(
    geo: Geography, first: int, last: int, seed: int, surges: list[Surge]
) -> LatentIndex:
    """Indices from 2010-01 (or an earlier `first`) to 2030-12 (or a later `last`), 2016-01 = 100.

    The simulated span is fixed so a month's level does not depend on the requested range.
    """
    first = min(first, parse_month("2010-01"))
    last = max(last, parse_month("2030-12"))
    months = np.arange(first, last + 1)
    nd = len(geo.codes)
    index: dict[str, np.ndarray] = {}
    base: dict[str, np.ndarray] = {}
    for market in MARKETS:
        rng = rng_for(seed, f"latent/{market}")
        city = _city_growth(market, months)
        logs = np.zeros((nd, len(months)))
        for d, code in enumerate(geo.codes):
            mult = GROWTH_MULT[code] ** _MULT_POWER[market]
            shocks = rng.normal(0, _NOISE_SD[market], len(months))
            ar = np.zeros(len(months))
            for t in range(1, len(months)):
                ar[t] = 0.6 * ar[t - 1] + shocks[t]
            g = city * mult + ar * 0.5
            for s in surges:
                if s.district == d and s.market == market:
                    g[(months >= s.first) & (months <= s.last)] += s.extra_pct
                    after = (months > s.last) & (months <= s.last + 6)
                    g[after] -= s.revert_pct
            g[0] = 0.0
            logs[d] = np.cumsum(g) / 100.0
        lvl = np.exp(logs - logs[:, [BASE_MONTH - first]]) * 100.0
        index[market] = lvl
        peak_sel = (months >= parse_month("2021-01")) & (months <= parse_month("2021-12"))
        peak = lvl[:, peak_sel].max(axis=1) if peak_sel.any() else lvl[:, -1]
        levels = np.array([PEAK_LEVEL[market][c] for c in geo.codes], dtype=float)
        base[market] = levels / (peak / 100.0)
    return LatentIndex(first=first, index=index, base=base)
