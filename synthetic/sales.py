"""New-home contracts (新建商品房网签): who buys which unit, at what price, and cancellations.

Price = project level × latent index × unit quality × small noise, kept inside [87%, 99.9%] of
the unit's filed price (备案价) except for the planted violations. When the market has moved
so far that the expected price leaves that band, the developer re-files the unit first
(调价备案, at the current level plus the usual headroom), so contract prices keep following the
latent index instead of piling up at the cap. About 3% of contracts are
cancelled one to four months later: the cancellation month's file repeats the contract with
合同状态 已撤销, and the unit usually goes to another buyer a month or two after that.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic import fields, people
from synthetic.calendar import by_year, month_str, random_days, rng_for, season
from synthetic.params import (
    ANNUAL,
    CANCEL_SHARE,
    CONTRACT_CLIP,
    FILED_HEADROOM,
    NON_RES_SHARE,
    RESIGN_SHARE,
    SHARE,
    SURGE_GUARD,
)
from synthetic.store import FOR_SALE, SOLD
from synthetic.world import World, pick

PAYMENTS = ("商贷", "公积金", "组合贷", "一次性", "分期")
PAYMENT_P = (0.55, 0.10, 0.20, 0.13, 0.02)
HOME_ORDERS = ("首套", "二套", "三套及以上")

HEADERS = {
    "contract_id": "合同编号",
    "filing_id": "备案号",
    "unit_id": "不动产单元号",
    "project_id": "项目编号",
    "project_name": "项目名称",
    "permit_id": "预售许可证号",
    "building": "幢号",
    "floor": "楼层",
    "room": "房号",
    "district": "区县",
    "block": "板块",
    "usage": "房屋用途",
    "layout": "户型",
    "area_sqm": "建筑面积(㎡)",
    "total_price": "合同总价(万元)",
    "unit_price": "成交单价(元/㎡)",
    "filed_price": "备案单价(元/㎡)",
    "sign_date": "签约日期",
    "filing_date": "备案日期",
    "payment_method": "付款方式",
    "buyer_id": "买受人证件号码",
    "buyer_name": "买受人姓名",
    "buyer_phone": "联系电话",
    "buyer_hukou": "户籍",
    "home_order": "购房套数",
    "status": "合同状态",
    "cancel_date": "撤销日期",
}


def _forced_units(
    w: World, month: int, rng: np.random.Generator
) -> tuple[list[int], dict[int, tuple[float, str]], dict[int, int]]:
    """Units that must sell this month: re-signs and planted events (price ratio, ring buyer)."""
    s = w.store
    forced = [u for u in w.resign_queue.pop(month, []) if s.status[u] == FOR_SALE]
    ratio: dict[int, tuple[float, str]] = {}
    buyer: dict[int, int] = {}
    for kind, lo, hi in (("filed_price_above", 1.02, 1.06), ("filed_price_discount", 0.76, 0.83)):
        slot = w.event(kind, month)
        if slot is None:
            continue
        if "project" not in slot.params:
            cand = np.flatnonzero(
                (s.status == FOR_SALE) & (s.usage == 0) & (s.district == slot.district)
            )
            counts = np.bincount(s.project[cand], minlength=len(s.projects))
            slot.params["project"] = int(np.argmax(counts))
            slot.related_ids.append(s.projects[slot.params["project"]].project_id)
        cand = np.flatnonzero(
            (s.status == FOR_SALE) & (s.usage == 0) & (s.project == slot.params["project"])
        )
        for u in pick(rng, cand, np.ones(len(cand)), 3):
            forced.append(int(u))
            ratio[int(u)] = (float(rng.uniform(lo, hi)), kind)
    ring = w.event("flipping_ring", month)
    if ring is not None:
        for person, district in ring.params.get("buys", {}).get(month, []):
            cand = np.flatnonzero(
                (s.status == FOR_SALE) & (s.usage == 0) & (s.district == district)
            )
            cand = np.setdiff1d(cand, np.array(forced, dtype=np.int64))
            for u in pick(rng, cand, np.ones(len(cand)), 1):
                forced.append(int(u))
                buyer[int(u)] = person
                w.flip_queue[month + int(rng.integers(12, 21))].append(int(u))
    return forced, ratio, buyer


def _cancellations(w: World, month: int, rng: np.random.Generator) -> pl.DataFrame | None:
    """Later versions of earlier contracts: same 合同编号, status 已撤销, unit back on sale."""
    frames = w.cancel_queue.pop(month, [])
    if not frames:
        return None
    df = pl.concat(frames)
    units = df["unit"].to_numpy()
    s = w.store
    s.set("status", units, FOR_SALE)
    s.set("owner", units, -1)
    s.set("last_sale", units, -1)
    for u, sm in zip(units, df["sign_month"].to_numpy(), strict=True):
        if s.usage[u] == 0:
            w.sold_area[s.district[u], sm - w.start] -= s.area[u]
            w.sold_units[s.district[u], sm - w.start] -= 1
        if rng.random() < RESIGN_SHARE and month + 1 <= w.end:
            w.resign_queue[month + int(rng.integers(1, 3))].append(int(u))
    cancel = pl.Series(random_days(rng, month, len(df)))
    return df.with_columns(
        status=pl.lit("已撤销"),
        cancel_date=pl.max_horizontal(cancel, pl.col("sign_date") + pl.duration(days=1)),
        protected=pl.lit(True),
    )


def sell_new_homes(w: World, month: int) -> pl.DataFrame:
    """This month's contracts (canonical frame, sorted by sign date) plus cancellation versions."""
    rng = rng_for(w.seed, "new_home", month)
    s = w.store
    y = month // 12
    cancelled = _cancellations(w, month, rng)
    forced, ratio, ring_buyer = _forced_units(w, month, rng)
    chosen = [np.array(forced, dtype=np.int64)]
    s.set("status", chosen[0], SOLD)
    avail = np.flatnonzero(s.status == FOR_SALE)
    withheld = w.event("withheld_supply", month)
    if withheld is not None and "project" in withheld.params:
        avail = avail[s.project[avail] != withheld.params["project"]]  # held off the market
    age = month - s.listed[avail]
    weight = 0.25 + np.exp(-age / 8.0)
    ad, au = s.district[avail], s.usage[avail]
    surge = w.event("volume_surge", month)
    for d, code in enumerate(w.geo.codes):
        lam = (
            by_year(ANNUAL["new_home"], y) * SHARE["new_home"][code] * w.scale / 12 * season(month)
        )
        n = int(rng.poisson(lam))
        if surge is not None and surge.district == d:
            n = int(rng.poisson(lam * 2.4))
        else:
            n = min(n, _guard(w, d, month))
        n = n - int(np.sum(s.district[chosen[0]] == d))
        res = (ad == d) & (au == 0)
        chosen.append(pick(rng, avail[res], weight[res], n))
        non = (ad == d) & (au > 0)
        chosen.append(
            pick(rng, avail[non], weight[non], int(rng.poisson(max(lam, 0) * NON_RES_SHARE / 0.96)))
        )
    units = np.concatenate(chosen)
    n = len(units)
    d = s.district[units].astype(np.int64)
    proj = s.project[units]
    level = np.array([p.quality * w.geo.block_factor[p.block] for p in s.projects])[proj]
    idx = w.latent.at("new_home", d, month) / 100.0
    expected = w.latent.base["new_home"][d] * level * s.quality[units] * idx
    price = expected * np.exp(rng.normal(0, 0.015, n))
    nonres = s.usage[units] > 0
    planted = np.array([u in ratio for u in units.tolist()], dtype=bool)
    filed = s.filed[units]
    stale = (
        ~nonres
        & ~planted
        & ((expected > filed * CONTRACT_CLIP[1]) | (expected < filed * CONTRACT_CLIP[0]))
    )
    filed[stale] = np.round(expected[stale] * rng.uniform(*FILED_HEADROOM, int(stale.sum())))
    s.set("filed", units[stale], filed[stale])
    price = np.clip(price, filed * CONTRACT_CLIP[0], filed * CONTRACT_CLIP[1])
    price[nonres] = filed[nonres] * rng.uniform(0.9, 0.99, nonres.sum())
    price[planted] = filed[planted] * np.array([ratio[u][0] for u in units[planted].tolist()])
    total = np.round(price * s.area[units])
    buyers = w.new_persons(n)
    is_ring = np.array([u in ring_buyer for u in units.tolist()], dtype=bool)
    buyers[is_ring] = [ring_buyer[u] for u in units[is_ring].tolist()]
    order = rng.choice(3, size=n, p=[0.62, 0.32, 0.06])
    order[is_ring] = rng.integers(1, 3, is_ring.sum())
    pay = rng.choice(len(PAYMENTS), size=n, p=PAYMENT_P)
    pay[nonres] = rng.choice([0, 3], size=nonres.sum(), p=[0.4, 0.6])
    sign = random_days(rng, month, n)
    filed_ok = rng.random(n) < 0.93
    filing = np.where(
        filed_ok, sign + rng.integers(0, 6, n).astype("timedelta64[D]"), np.datetime64("NaT")
    )
    ymd = month_str(month).replace("-", "")
    df = pl.DataFrame(
        {
            "unit": units,
            "sign_date": pl.Series(sign),
            "filing_date": pl.Series(filing),
            "payment": pl.Series(PAYMENTS).gather(pay),
            "buyer": buyers,
            "home_order": pl.Series(HOME_ORDERS).gather(order),
            "status": pl.Series(np.where(filed_ok, "已备案", "已签约")),
            "total_yuan": total,
            "filed": filed,
            "protected": planted | is_ring,
        }
    ).with_columns(cancel_date=pl.lit(None, dtype=pl.Date), sign_month=pl.lit(month))
    df = df.sort("sign_date", "unit").with_columns(
        contract_id=pl.format(f"XS{ymd}{{}}", pl.int_range(1, n + 1).cast(pl.Utf8).str.zfill(6)),
    )
    df = df.with_columns(
        filing_id=pl.when(pl.col("filing_date").is_not_null()).then(
            pl.format("BA{}", pl.col("contract_id").str.slice(2))
        )
    )
    s.set("status", units, SOLD)
    s.set("owner", units, buyers)
    s.set("last_sale", units, month)
    res = ~nonres
    np.add.at(w.sold_area[:, month - w.start], d[res], s.area[units][res])
    np.add.at(w.sold_units[:, month - w.start], d[res], 1)
    for kind in ("filed_price_above", "filed_price_discount", "flipping_ring"):
        slot = w.event(kind, month)
        if slot is None:
            continue
        mine = (
            {u for u, (_r, k) in ratio.items() if k == kind}
            if kind != "flipping_ring"
            else set(ring_buyer)
        )
        ids = df.filter(pl.col("unit").is_in(sorted(mine)))["contract_id"].to_list()
        (slot.entity_ids if kind != "flipping_ring" else slot.related_ids).extend(ids)
    df = df.with_columns(protected=pl.col("protected") | _queue_cancellations(w, month, rng, df))
    _credit_inputs(w, df, nonres_units=units[nonres])
    return pl.concat([df, cancelled.select(df.columns)]) if cancelled is not None else df


def _guard(w: World, d: int, month: int) -> int:
    """Cap unplanted volume below the surge rule so only the planted month trips it."""
    t = month - w.start
    if t < 12:
        return 1 << 30
    return int(SURGE_GUARD * w.sold_units[d, t - 12 : t].mean())


def _queue_cancellations(
    w: World, month: int, rng: np.random.Generator, df: pl.DataFrame
) -> pl.Series:
    """Flag ~3% of contracts for a later cancellation version; flagged rows stay clean."""
    flag = (rng.random(len(df)) < CANCEL_SHARE) & ~df["protected"].to_numpy()
    lag = rng.integers(1, 5, len(df))
    for lg in range(1, 5):
        sel = flag & (lag == lg)
        if sel.any() and month + lg <= w.end:
            w.cancel_queue[month + lg].append(df.filter(pl.Series(sel)))
    return pl.Series(flag)


def _credit_inputs(w: World, df: pl.DataFrame, nonres_units: np.ndarray) -> None:
    """Mortgage counts and amounts this month, for the credit returns."""
    t = df["total_yuan"].to_numpy()
    p = df["payment"].to_numpy()
    w.credit_inputs = {
        "bank_count": float(np.isin(p, ["商贷", "组合贷"]).sum()),
        "bank_amount": float(
            (t * np.where(p == "商贷", 0.62, np.where(p == "组合贷", 0.40, 0.0))).sum()
        ),
        "pf_count": float(np.isin(p, ["公积金", "组合贷"]).sum()),
        "pf_amount": float(
            np.minimum(
                t * np.where(p == "公积金", 0.6, np.where(p == "组合贷", 0.22, 0.0)), 6e5
            ).sum()
        ),
    }


def to_raw(w: World, df: pl.DataFrame, month: int) -> pl.DataFrame:
    """Bureau layout: Chinese headers, 万元 totals, buyer identity, old district names."""
    s = w.store
    u = df["unit"].to_numpy()
    slash = month < fields.SLASH_DATES_BEFORE
    usage = s.usage[u]
    area = s.area[u]
    total = df["total_yuan"].to_numpy()
    buyers = df["buyer"].to_numpy()
    permits = pl.Series([p.permit_id for p in s.permits] or [""]).gather(
        s.permit[u].astype(np.int64)
    )
    floor = s.floor[u].astype(np.int64)
    parts = pl.DataFrame({"usage": usage, "floor": floor, "room": s.room[u], "bld": s.building[u]})
    room_bld = parts.select(
        room=pl.when(pl.col("usage") == 1)
        .then(pl.format("车位{}", pl.col("room").cast(pl.Utf8).str.zfill(3)))
        .when(pl.col("usage") == 2)
        .then(pl.format("商铺{}", pl.col("room").cast(pl.Utf8).str.zfill(2)))
        .otherwise((pl.col("floor") * 100 + pl.col("room")).cast(pl.Utf8)),
        building=pl.when(pl.col("usage") == 1)
        .then(pl.lit("地下车库"))
        .otherwise(pl.format("{}幢", pl.col("bld"))),
    )
    room_s, building = room_bld["room"], room_bld["building"]
    local = people.is_local(buyers, w.seed)
    out = {
        "contract_id": df["contract_id"],
        "filing_id": df["filing_id"],
        "unit_id": fields.unit_ids(w, u),
        "project_id": fields.project_column(s, "project_id", s.project[u]),
        "project_name": fields.project_column(s, "name", s.project[u]),
        "permit_id": permits,
        "building": building,
        "floor": pl.Series(floor).cast(pl.Utf8),
        "room": room_s,
        "district": fields.district_names(w, u, month),
        "block": fields.block_names(w, u),
        "usage": pl.Series(["住宅", "车位", "商业"]).gather(usage.astype(np.int64)),
        "layout": fields.layouts(area, usage),
        "area_sqm": fields.fmt_num(area, 2),
        "total_price": fields.fmt_num(total / 1e4, 4),
        "unit_price": fields.fmt_num(total / area, 2),
        "filed_price": fields.fmt_num(df["filed"].to_numpy(), 0),
        "sign_date": fields.fmt_dates(df["sign_date"], slash),
        "filing_date": fields.fmt_dates(df["filing_date"], slash),
        "payment_method": df["payment"],
        "buyer_id": people.id_numbers(buyers, w.seed),
        "buyer_name": people.names(buyers, w.seed),
        "buyer_phone": people.phones(buyers, w.seed),
        "buyer_hukou": pl.Series(np.where(local, "本地", "外地")),
        "home_order": df["home_order"],
        "status": df["status"],
        "cancel_date": fields.fmt_dates(df["cancel_date"], slash),
    }
    raw = pl.DataFrame({HEADERS[k]: v.cast(pl.Utf8).rename(HEADERS[k]) for k, v in out.items()})
    return raw
