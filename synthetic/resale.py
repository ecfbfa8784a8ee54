"""Second-hand contracts (存量房网签): the same dwellings change hands again and again.

A unit is eligible two years after its last sale (the tax-free holding period most sellers wait
for), so the only short holds are the planted flipping ring. The seller is the unit's current
owner, i.e. the previous buyer, with the same fake ID. Price = community level × latent resale
index × unit quality × a fixed vintage effect × noise; with no depreciation over time a
repeat-sales estimator recovers the latent index.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic import fields, people
from synthetic.calendar import by_year, month_str, random_days, rng_for, season
from synthetic.params import ANNUAL, SHARE
from synthetic.store import OLD, SOLD
from synthetic.world import World, pick

AGENCIES = (
    "链家",
    "我爱我家",
    "21世纪不动产",
    "中原地产",
    "德佑",
    "南通房产经纪有限公司",
    "好屋中国",
    "太平洋房屋",
    "家家顺",
    "南通安居客经纪",
)
ORIENTATIONS = ("南北", "南", "东南", "西南", "东", "西")
COLUMNS = (
    "contract_id",
    "unit_id",
    "community",
    "district",
    "block",
    "usage",
    "layout",
    "area_sqm",
    "total_price_yuan",
    "unit_price_yuan_per_sqm",
    "sign_date",
    "build_year",
    "floor",
    "total_floors",
    "orientation",
    "decoration",
    "fund_supervised",
    "supervised_amount_yuan",
    "agency",
    "buyer_id",
    "buyer_name",
    "buyer_phone",
    "seller_id",
    "seller_phone",
    "status",
)


def community_level(w: World, market: str, units: np.ndarray) -> np.ndarray:
    """Base level × block × community quality for each unit, without the time index."""
    s = w.store
    proj = s.project[units]
    q = np.array([p.quality * w.geo.block_factor[p.block] for p in s.projects])[proj]
    if market == "rent":
        q = q**0.7
    return w.latent.base[market][s.district[units].astype(np.int64)] * q


def sell_resales(w: World, month: int) -> pl.DataFrame:
    """This month's second-hand contracts as a raw frame (English headers, amounts in 元)."""
    rng = rng_for(w.seed, "resale", month)
    s = w.store
    forced = np.array(sorted(set(w.flip_queue.pop(month, []))), dtype=np.int64)
    old_or_sold = (s.status == OLD) | (s.status == SOLD)
    # 25 calendar months apart: held more than 2 years to the day (满二), whatever the sign days
    ok = (s.usage == 0) & old_or_sold & ((s.last_sale < 0) | (s.last_sale <= month - 25))
    ok[forced] = False
    cand = np.flatnonzero(ok)
    weight = np.where(s.status[cand] == OLD, 1.0, 0.35)
    cd = s.district[cand]
    chosen = [forced]
    for d, code in enumerate(w.geo.codes):
        lam = (
            by_year(ANNUAL["resale"], month // 12)
            * SHARE["resale"][code]
            * w.scale
            / 12
            * season(month)
        )
        sel = cd == d
        chosen.append(pick(rng, cand[sel], weight[sel], int(rng.poisson(lam))))
    units = np.concatenate(chosen)
    n = len(units)
    d = s.district[units].astype(np.int64)
    vintage = np.exp(-0.008 * (2021 - s.build_year[units]))
    idx = w.latent.at("resale", d, month) / 100.0
    price = community_level(w, "resale", units) * s.quality[units] * vintage * idx
    price *= np.exp(rng.normal(0, 0.04, n))
    area = s.area[units]
    total = np.round(price * area, -2)
    sellers = s.owner[units].copy()
    buyers = w.new_persons(n)
    supervised = rng.random(n) < 0.65
    amount = np.where(supervised, np.round(total * rng.uniform(0.3, 0.7, n), -2), 0)
    is_new = s.permit[units] >= 0
    deco = np.where(
        is_new,
        rng.choice(["精装", "简装"], n, p=[0.7, 0.3]),
        rng.choice(["精装", "简装", "毛坯"], n, p=[0.35, 0.5, 0.15]),
    )
    agency = np.where(
        rng.random(n) < 0.15,
        None,
        np.array(AGENCIES, dtype=object)[rng.integers(0, len(AGENCIES), n)],
    )
    sign = random_days(rng, month, n)
    order = np.lexsort((units, sign))
    units, sign, total, sellers, buyers = (
        units[order],
        sign[order],
        total[order],
        sellers[order],
        buyers[order],
    )
    area, amount, supervised, deco, agency = (
        area[order],
        amount[order],
        supervised[order],
        deco[order],
        agency[order],
    )
    flip = np.isin(units, forced)
    ymd = month_str(month).replace("-", "")
    ids = pl.Series([f"CL{ymd}{i:06d}" for i in range(1, n + 1)], dtype=pl.Utf8)
    ring = w.events.get("flipping_ring")
    if ring is not None and flip.any():
        ring.related_ids.extend(ids.filter(pl.Series(flip)).to_list())
    s.set("owner", units, buyers)
    s.set("last_sale", units, month)
    loans = rng.random(n) < 0.6
    w.credit_inputs["bank_count"] = w.credit_inputs.get("bank_count", 0.0) + float(loans.sum())
    w.credit_inputs["bank_amount"] = w.credit_inputs.get("bank_amount", 0.0) + float(
        (total * 0.55)[loans].sum()
    )
    raw = pl.DataFrame(
        {
            "contract_id": ids,
            "unit_id": fields.unit_ids(w, units),
            "community": fields.project_column(s, "name", s.project[units]),
            "district": fields.district_names(w, units, month),
            "block": fields.block_names(w, units),
            "usage": pl.Series(["住宅"] * n, dtype=pl.Utf8),
            "layout": fields.layouts(area),
            "area_sqm": fields.fmt_num(area, 2),
            "total_price_yuan": fields.fmt_num(total, 0),
            "unit_price_yuan_per_sqm": fields.fmt_num(total / area, 2),
            "sign_date": fields.fmt_dates(pl.Series(sign), slash=False),
            "build_year": pl.Series(s.build_year[units]).cast(pl.Utf8),
            "floor": pl.Series(s.floor[units]).cast(pl.Utf8),
            "total_floors": pl.Series(s.total_floors[units]).cast(pl.Utf8),
            "orientation": pl.Series(
                np.array(ORIENTATIONS)[rng.choice(6, n, p=[0.5, 0.2, 0.12, 0.08, 0.05, 0.05])]
            ),
            "decoration": pl.Series(deco),
            "fund_supervised": pl.Series(np.where(supervised, "true", "false")),
            "supervised_amount_yuan": fields.fmt_num(amount, 0),
            "agency": pl.Series(agency.tolist(), dtype=pl.Utf8),
            "buyer_id": people.id_numbers(buyers, w.seed),
            "buyer_name": people.names(buyers, w.seed),
            "buyer_phone": people.phones(buyers, w.seed),
            "seller_id": people.id_numbers(sellers, w.seed),
            "seller_phone": people.phones(sellers, w.seed),
            "status": pl.Series(np.where(rng.random(n) < 0.85, "已备案", "已签约")),
        }
    )
    return raw.with_columns(pl.all().cast(pl.Utf8)).with_columns(_protected=pl.Series(flip))
