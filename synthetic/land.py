"""Land transactions (土地出让成交): parcels, floor prices, premiums, failed auctions.

Floor price follows the latent land index (more volatile than house prices). Premiums stay below
the 15% cap except for the planted parcels; failed auctions (流拍) rise to 10–35% of a batch in
2022–24. Residential offerings carry a price cap (最高限价 = start × 1.15) from 2021-03.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic.calendar import by_year, parse_month, random_days, rng_for
from synthetic.params import ANNUAL, SHARE
from synthetic.projects import BRANDS
from synthetic.world import World

HEADERS = (
    "地块编号",
    "地块名称",
    "区县",
    "板块",
    "土地用途",
    "出让面积(㎡)",
    "容积率",
    "计容建筑面积(㎡)",
    "起始价(万元)",
    "最高限价(万元)",
    "成交价(万元)",
    "出让方式",
    "竞得人",
    "出让结果",
    "成交日期",
)
NUMERIC = (
    "出让面积(㎡)",
    "容积率",
    "计容建筑面积(㎡)",
    "起始价(万元)",
    "最高限价(万元)",
    "成交价(万元)",
)
USES = ("住宅", "商住", "商服", "工业")
CAP_FROM = parse_month("2021-03")
PREMIUM_CAP = 0.15


def _fail_rate(month: int) -> float:
    y = month // 12
    return 0.22 if 2022 <= y <= 2024 else 0.12 if y == 2025 else 0.04


def offer_parcels(w: World, month: int) -> pl.DataFrame:
    """This month's land offerings as strings (万元 with two decimals)."""
    rng = rng_for(w.seed, "land", month)
    y = month // 12
    lam = by_year(ANNUAL["land"], y) * w.scale / 12
    planted = [k for k in ("land_premium_cap", "land_lottery") if w.event(k, month) is not None]
    n = max(int(rng.poisson(lam)), len(planted))
    codes = list(w.geo.codes)
    share = np.array([SHARE["land"][c] for c in codes])
    dist = rng.choice(len(codes), n, p=share / share.sum())
    use = rng.choice(4, n, p=[0.55, 0.2, 0.1, 0.15])
    for i, kind in enumerate(planted):
        dist[i] = w.events[kind].district
        use[i] = 0
    rows = []
    for i in range(n):
        d, u = int(dist[i]), int(use[i])
        block = int(rng.choice(w.geo.blocks_of(d)))
        site = round(float(rng.uniform(30, 120) * 666.67 * (2.0 if u == 3 else 1.0)), 2)
        ratio = round(
            float(
                rng.uniform(1.6, 2.8)
                if u < 2
                else rng.uniform(2.0, 4.0)
                if u == 2
                else rng.uniform(1.0, 1.5)
            ),
            2,
        )
        buildable = round(site * ratio, 2)
        if u == 3:
            floor_price = 400.0 * float(w.latent.at("land", d, month) / 100) ** 0.3
        else:
            floor_price = float(w.latent.base["land"][d] * w.latent.at("land", d, month) / 100)
            floor_price *= (
                w.geo.block_factor[block] * (1.0, 0.9, 0.6)[u] * float(np.exp(rng.normal(0, 0.12)))
            )
        start = floor_price * buildable * rng.uniform(0.85, 0.97)
        capped = u < 2 and month >= CAP_FROM
        hot = parse_month("2021-01") <= month < parse_month("2021-07")
        premium = float(min(rng.exponential(0.08 if hot else 0.04), 0.145))
        if month >= parse_month("2021-07") and rng.random() < 0.7:
            premium = 0.0
        r = rng.random()
        status = "终止" if r < 0.02 else "流拍" if r < 0.02 + _fail_rate(month) else "成交"
        method = str(rng.choice(["挂牌", "拍卖", "招标"], p=[0.8, 0.15, 0.05]))
        kind = planted[i] if i < len(planted) else None
        if kind is not None:
            status, premium, capped = "成交", PREMIUM_CAP, True
            method = "限价摇号" if kind == "land_lottery" else "挂牌"
        cap = start * (1 + PREMIUM_CAP) if capped else None
        deal = (cap if kind is not None else start * (1 + premium)) if status == "成交" else None
        w.parcel_seq[y] += 1
        pid = f"NT{d + 1:02d}{'RRCG'[u]}{y % 100:02d}{w.parcel_seq[y]:03d}"
        if kind is not None:
            w.events[kind].entity_ids.append(pid)
            w.events[kind].magnitude = PREMIUM_CAP * 100
        winner = (
            f"南通{BRANDS[int(rng.integers(len(BRANDS)))]}置业有限公司"
            if status == "成交"
            else None
        )
        rows.append(
            [
                pid,
                f"{w.geo.block_names[block]}{'RRCG'[u]}{w.parcel_seq[y]:03d}地块",
                w.geo.names[d],
                w.geo.block_names[block],
                USES[u],
                site,
                ratio,
                buildable,
                start,
                cap,
                deal,
                method,
                winner,
                status,
                random_days(rng, month, 1)[0],
            ]
        )
    rows.sort(key=lambda r: (str(r[14]), r[0]))
    return _to_frame(rows)


def _wan(x: float | None) -> str | None:
    return None if x is None else f"{x / 1e4:.2f}"


def _to_frame(rows: list[list]) -> pl.DataFrame:
    cols: dict[str, list] = {h: [] for h in HEADERS}
    for r in rows:
        vals = [
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            f"{r[5]:.2f}",
            f"{r[6]:.2f}",
            f"{r[7]:.2f}",
            _wan(r[8]),
            _wan(r[9]),
            _wan(r[10]),
            r[11],
            r[12],
            r[13],
            str(r[14]),
        ]
        for h, v in zip(HEADERS, vals, strict=True):
            cols[h].append(v)
    return pl.DataFrame(cols, schema={h: pl.Utf8 for h in HEADERS})
