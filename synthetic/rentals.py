"""Rental registrations (住房租赁合同备案) on the same communities that trade second-hand.

Rents follow the latent rent index per district, with smaller homes dearer per ㎡ and rooms in a
shared flat (合租) dearer still; communities are shared with resales so 租售比 can be computed on
matched communities.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic import fields, people
from synthetic.calendar import by_year, month_str, random_days, rng_for, season
from synthetic.params import ANNUAL, SHARE
from synthetic.resale import community_level
from synthetic.store import OLD, SOLD
from synthetic.world import World, pick

KEYS = (
    "registration_id",
    "verification_code",
    "unit_id",
    "community",
    "district",
    "block",
    "rent_type",
    "area_sqm",
    "monthly_rent_yuan",
    "deposit_yuan",
    "start_date",
    "end_date",
    "landlord_type",
    "affordable",
    "status",
    "tenant_id",
    "tenant_name",
    "tenant_phone",
)
NUMERIC_KEYS = ("area_sqm", "monthly_rent_yuan", "deposit_yuan")


def register_rentals(w: World, month: int) -> pl.DataFrame:
    """This month's registrations as a frame of strings (numbers are typed when written)."""
    rng = rng_for(w.seed, "rental", month)
    s = w.store
    delivered = (s.status == OLD) | ((s.status == SOLD) & (s.listed + 24 <= month))
    cand = np.flatnonzero(delivered & (s.usage == 0))
    weight = np.where(s.status[cand] == OLD, 1.0, 0.5)
    cd = s.district[cand]
    chosen = []
    for d, code in enumerate(w.geo.codes):
        lam = by_year(ANNUAL["rental"], month // 12) * SHARE["rental"][code] * w.scale / 12
        sel = cd == d
        chosen.append(
            pick(rng, cand[sel], weight[sel], int(rng.poisson(lam * season(month, "rent"))))
        )
    units = np.concatenate(chosen)
    n = len(units)
    d = s.district[units].astype(np.int64)
    shared = rng.random(n) < 0.15
    area = np.where(shared, np.round(rng.uniform(12, 30, n), 1), s.area[units])
    per_sqm = community_level(w, "rent", units) * w.latent.at("rent", d, month) / 100.0
    per_sqm *= (np.maximum(area, 40) / 90.0) ** -0.15 * np.where(shared, 1.35, 1.0)
    rent = np.round(per_sqm * area * np.exp(rng.normal(0, 0.08, n)), -1)
    deposit = rent * rng.choice([0, 1, 2], n, p=[0.05, 0.6, 0.35])
    start = random_days(rng, month, n)
    order = np.lexsort((units, start))
    units, area, rent, deposit, start, shared = (
        a[order] for a in (units, area, rent, deposit, start, shared)
    )
    term = rng.choice([6, 12, 24], n, p=[0.1, 0.7, 0.2])
    start_s = pl.Series(start)
    end = start_s.dt.offset_by(pl.Series([f"{t}mo" for t in term])).dt.offset_by("-1d")
    company = rng.random(n) < 0.1
    tenants = w.new_persons(n)
    ymd = month_str(month).replace("-", "")
    return pl.DataFrame(
        {
            "registration_id": [f"ZL{ymd}{i:06d}" for i in range(1, n + 1)],
            "verification_code": pl.Series(rng.integers(10**9, 10**10, n)).cast(pl.Utf8),
            "unit_id": fields.unit_ids(w, units),
            "community": fields.project_column(s, "name", s.project[units]),
            "district": fields.district_names(w, units, month),
            "block": fields.block_names(w, units),
            "rent_type": np.where(shared, "合租", "整租"),
            "area_sqm": fields.fmt_num(area, 2),
            "monthly_rent_yuan": fields.fmt_num(rent, 0),
            "deposit_yuan": fields.fmt_num(deposit, 0),
            "start_date": fields.fmt_dates(start_s, slash=False),
            "end_date": fields.fmt_dates(end, slash=False),
            "landlord_type": np.where(company, "企业", "个人"),
            "affordable": np.where(company & (rng.random(n) < 0.45), "true", "false"),
            "status": rng.choice(["有效", "已终止", "已注销"], n, p=[0.93, 0.05, 0.02]),
            "tenant_id": people.id_numbers(tenants, w.seed),
            "tenant_name": people.names(tenants, w.seed),
            "tenant_phone": people.phones(tenants, w.seed),
        }
    ).with_columns(pl.all().cast(pl.Utf8))
