"""Vectorised text fields shared by the writers: unit ids, district names, layouts, dates."""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic.calendar import month_str, parse_month
from synthetic.store import UnitStore
from synthetic.world import World

SLASH_DATES_BEFORE = parse_month("2021-01")  # the new-home system switched date style in 2021
_LAYOUT_EDGES = np.array([60, 90, 120, 144, 180])
_LAYOUTS = ["1室1厅1卫", "2室2厅1卫", "3室2厅1卫", "3室2厅2卫", "4室2厅2卫", "5室2厅3卫"]


def district_prefix(code: str, i: int) -> str:
    """Six digits for unit ids; functional zones get a private 32067x prefix."""
    return code if code.isdigit() else f"32067{(i + 1) % 10}"


def unit_ids(w: World, units: np.ndarray) -> pl.Series:
    """不动产单元号-like ids: district, community, usage, building, floor, room (28 chars)."""
    s = w.store
    prefixes = pl.Series([district_prefix(c, i) for i, c in enumerate(w.geo.codes)])
    df = pl.DataFrame(
        {
            "p": prefixes.gather(s.district[units].astype(np.int64)),
            "c": s.project[units].astype(np.int64),
            "u": pl.Series(["GB", "GC", "GS"]).gather(s.usage[units].astype(np.int64)),
            "b": s.building[units].astype(np.int64),
            "f": s.floor[units].astype(np.int64) + 10,
            "r": s.room[units].astype(np.int64),
        }
    )
    z = lambda c, n: pl.col(c).cast(pl.Utf8).str.zfill(n)  # noqa: E731
    return df.select(
        pl.concat_str(["p", z("c", 6), "u", z("b", 5), pl.lit("F"), z("f", 4), z("r", 4)])
    )["p"]


def district_names(w: World, units: np.ndarray, month: int) -> pl.Series:
    """District as a `month` file names it: old names (港闸区, 海门市, 海安县) before the change."""
    geo = w.geo
    s = w.store
    out = np.array(geo.names, dtype=object)[s.district[units].astype(np.int64)]
    ym = month_str(month)
    for d, code in enumerate(geo.codes):
        for gangzha in (False, True):
            old = geo.old_name(code, ym, gangzha)
            if old is None:
                continue
            blk_gz = np.array(geo.block_is_gangzha)[s.block[units].astype(np.int64)]
            out[(s.district[units] == d) & (blk_gz == gangzha)] = old
    return pl.Series(out.tolist(), dtype=pl.Utf8)


def block_names(w: World, units: np.ndarray) -> pl.Series:
    return pl.Series(w.geo.block_names).gather(w.store.block[units].astype(np.int64))


def layouts(areas: np.ndarray, usage: np.ndarray | None = None) -> pl.Series:
    out = pl.Series(_LAYOUTS).gather(np.searchsorted(_LAYOUT_EDGES, areas))
    if usage is None:
        return out
    return pl.Series(np.where(usage == 0, out.to_numpy(), None).tolist(), dtype=pl.Utf8)


def project_column(store: UnitStore, attr: str, projects: np.ndarray) -> pl.Series:
    return pl.Series([getattr(p, attr) for p in store.projects]).gather(projects.astype(np.int64))


def fmt_dates(dates: pl.Series, slash: bool) -> pl.Series:
    return dates.dt.strftime("%Y/%-m/%-d" if slash else "%Y-%m-%d")


def fmt_num(values: np.ndarray | pl.Series, decimals: int) -> pl.Series:
    s = values if isinstance(values, pl.Series) else pl.Series(values)
    if decimals == 0:
        return s.round(0).cast(pl.Int64).cast(pl.Utf8)
    return s.round(decimals).cast(pl.Utf8)
