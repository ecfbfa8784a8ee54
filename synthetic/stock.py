"""可售存量月报: the presale system's month-end count of saleable new homes per district.

Read from the unit store itself (residential units permitted for presale and not under contract
at month end), so it agrees with the permits and contracts the generator writes: a unit leaves
the stock when it is signed and comes back when its contract is cancelled, as in the bureau's
system. The warehouse derives the same stock from permits minus sales; the two differ where
contracts were signed and later cancelled (the snapshot counted them sold at the time).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic.store import FOR_SALE
from synthetic.world import World

HEADERS = ("区县", "统计月份", "可售套数", "可售面积(㎡)")


def snapshot(w: World, month: int) -> pl.DataFrame:
    """One row per district: saleable residential units and area at the end of `month`."""
    s = w.store
    saleable = (s.status == FOR_SALE) & (s.usage == 0)
    n = len(w.geo.codes)
    units = np.bincount(s.district[saleable], minlength=n)[:n]
    area = np.bincount(s.district[saleable], weights=s.area[saleable], minlength=n)[:n]
    year, mon = divmod(month, 12)
    return pl.DataFrame(
        {
            HEADERS[0]: list(w.geo.names),
            HEADERS[1]: [f"{year}年{mon + 1}月"] * n,
            HEADERS[2]: units.astype(np.int64).astype(str),
            HEADERS[3]: [f"{a:.2f}" for a in area],
        }
    )


def file_name(year: int) -> str:
    return f"stock/商品住宅可售存量_{year}.csv"
