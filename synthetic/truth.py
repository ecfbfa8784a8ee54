"""What only the generator knows: latent indices, months of supply, events, dirty rows, manifest."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl

from synthetic.calendar import month_str
from synthetic.events import EVENT_COLUMNS, event_rows
from synthetic.market import BASE_MONTH, MARKETS
from synthetic.world import World

DIRTY_COLUMNS = ("source", "file", "row", "kind", "column", "expected_outcome")


def months_of_supply(w: World) -> np.ndarray:
    """去化周期 per district and month: unsold permitted area ÷ mean monthly sold area (12 months).

    NaN until six months of sales exist (as the warehouse would also refuse to compute it).
    """
    stock = np.cumsum(w.permitted_area - w.sold_area, axis=1)
    out = np.full(stock.shape, np.nan)
    for t in range(stock.shape[1]):
        if t < 5:
            continue
        mean = w.sold_area[:, max(0, t - 11) : t + 1].mean(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[:, t] = np.where(mean > 0, stock[:, t] / mean, np.nan)
    return out


def finalise_events(w: World, mos: np.ndarray) -> None:
    """Replace planned windows by realised ones where the outcome is measured, not imposed."""
    for kind, test in (
        ("months_of_supply_low", lambda x: x < 6),
        ("months_of_supply_high", lambda x: x > 36),
    ):
        slot = w.events.get(kind)
        if slot is None:
            continue
        series = mos[slot.district]
        lo = max(slot.first - w.start, 11)
        hits = [t for t in range(lo, series.shape[0]) if np.isfinite(series[t]) and test(series[t])]
        if kind == "months_of_supply_low":
            hits = [t for t in hits if t <= slot.last - w.start + 6]
        if hits:
            slot.first, slot.last = w.start + hits[0], w.start + hits[-1]
            vals = series[hits]
            slot.magnitude = float(vals.min() if kind.endswith("low") else vals.max())
        slot.entity_ids[:] = [w.geo.codes[slot.district]]
    surge = w.events.get("price_surge")
    if surge is not None:
        yoy = [
            w.latent.yoy("new_home", surge.district, m) for m in range(surge.first, surge.last + 13)
        ]
        surge.magnitude = max(v for v in yoy if v is not None)
        surge.entity_ids[:] = [w.geo.codes[surge.district]]
    vol = w.events.get("volume_surge")
    if vol is not None:
        t = vol.first - w.start
        trail = w.sold_units[vol.district, max(0, t - 12) : t]
        vol.magnitude = (
            float(w.sold_units[vol.district, t] / trail.mean())
            if trail.size and trail.mean() > 0
            else None
        )
        vol.entity_ids[:] = [w.geo.codes[vol.district]]


def write_truth(w: World, out: Path, dirty: list[tuple], manifest: dict) -> dict[str, int]:
    truth = out / "truth"
    truth.mkdir(parents=True, exist_ok=True)
    first = min(w.start, BASE_MONTH)
    rows = []
    for market in MARKETS:
        for d, code in enumerate(w.geo.codes):
            for m in range(first, w.end + 1):
                rows.append(
                    (
                        code,
                        month_str(m) + "-01",
                        market,
                        round(float(w.latent.at(market, d, m)), 4),
                        round(float(w.latent.base[market][d]), 2),
                    )
                )
    latent = pl.DataFrame(
        rows,
        schema=["district_code", "period_month", "market", "index", "base_price_yuan_per_sqm"],
        orient="row",
    )
    (truth / "latent_index.csv").write_bytes(latent.write_csv().encode("utf-8"))
    mos = months_of_supply(w)
    stock = np.cumsum(w.permitted_area - w.sold_area, axis=1)
    mos_rows = [
        (
            code,
            month_str(w.start + t) + "-01",
            round(float(stock[d, t]), 2),
            round(float(w.sold_area[d, t]), 2),
            int(w.sold_units[d, t]),
            None if not np.isfinite(mos[d, t]) else round(float(mos[d, t]), 2),
        )
        for d, code in enumerate(w.geo.codes)
        for t in range(stock.shape[1])
    ]
    mos_df = pl.DataFrame(
        mos_rows,
        schema=[
            "district_code",
            "period_month",
            "stock_area_sqm",
            "sold_area_sqm",
            "sold_units",
            "months_of_supply",
        ],
        orient="row",
    )
    (truth / "months_of_supply.csv").write_bytes(mos_df.write_csv().encode("utf-8"))
    events = pl.DataFrame(event_rows(w.geo, w.events), schema={c: pl.Utf8 for c in EVENT_COLUMNS})
    (truth / "events.csv").write_bytes(events.write_csv().encode("utf-8"))
    dirty_df = pl.DataFrame(
        dirty,
        schema={
            "source": pl.Utf8,
            "file": pl.Utf8,
            "row": pl.Int64,
            "kind": pl.Utf8,
            "column": pl.Utf8,
            "expected_outcome": pl.Utf8,
        },
        orient="row",
    )
    (truth / "dirty_rows.csv").write_bytes(dirty_df.write_csv().encode("utf-8"))
    (truth / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )
    return {
        "latent_index.csv": len(latent),
        "events.csv": len(events),
        "dirty_rows.csv": len(dirty_df),
    }
