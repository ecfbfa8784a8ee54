"""Reference tables (raw/reference/*.csv) with the canonical English headers of ref_* contracts.

Control bands come from the latent truth: a default [−5%, +5%] widened where the simulated
cycle needs it (with 2.5 pp of room so estimation noise does not raise false alarms), except
the planted surge district-year, which keeps [−5%, +5%] and breaks it.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl

from synthetic.calendar import parse_month
from synthetic.market import LatentIndex
from synthetic.params import BANKS
from synthetic.world import World

# 2023 per-capita disposable income (元) and population (万人) per district (est.; DOMAIN.md §7).
INCOME_2023 = {
    "320602": 66200,
    "320600K01": 62500,
    "320612": 64612,
    "320614": 60500,
    "320600K02": 56000,
    "320600K03": 48000,
    "320623": 46500,
    "320681": 50500,
    "320682": 47800,
    "320685": 52000,
}
POP_2023 = {
    "320602": 122.0,
    "320600K01": 17.0,
    "320612": 126.6,
    "320614": 107.0,
    "320600K02": 4.0,
    "320600K03": 4.4,
    "320623": 88.0,
    "320681": 95.0,
    "320682": 123.0,
    "320685": 87.0,
}
INCOME_GROWTH = {
    2016: 8.0,
    2017: 8.5,
    2018: 8.2,
    2019: 8.5,
    2020: 4.5,
    2021: 9.0,
    2022: 5.0,
    2023: 5.4,
    2024: 4.8,
    2025: 4.6,
}
PLAN_DOC = "南通市“十四五”城镇住房发展规划 表1"


def _write(df: pl.DataFrame, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(df.write_csv().encode("utf-8"))
    return len(df)


def _yoy_range(latent: LatentIndex, market: str, d: int, year: int) -> tuple[float, float]:
    vals = [latent.yoy(market, d, year * 12 + m) for m in range(12)]
    vals = [v for v in vals if v is not None]
    return (min(vals), max(vals)) if vals else (0.0, 0.0)


def control_targets(w: World, first_year: int, last_year: int) -> pl.DataFrame:
    surge = w.events.get("price_surge")
    rows = []
    for d, code in enumerate(w.geo.codes):
        for year in range(first_year, last_year + 1):
            for market, zh in (("new_home", "新建商品住宅"), ("resale", "二手住宅")):
                lo, hi = _yoy_range(w.latent, market, d, year)
                tmin = min(-5.0, math.floor(lo - 2.5))
                tmax = max(5.0, math.ceil(hi + 2.5))
                doc = f"{w.geo.names[d]}{year}年房地产市场调控目标（est.）"
                if (
                    surge is not None
                    and surge.district == d
                    and market == "new_home"
                    and surge.first // 12 == year
                ):
                    tmin, tmax = -5.0, 5.0
                    doc = f"{w.geo.names[d]}{year}年房价指数调控目标责任书（est.）"
                rows.append(
                    {
                        "district": code,
                        "year": year,
                        "market": zh,
                        "target_min_pct": tmin,
                        "target_max_pct": tmax,
                        "doc_source": doc,
                        "valid_from": f"{year}-01-01",
                        "city": w.geo.city_code,
                    }
                )
    return pl.DataFrame(rows)


def write_reference(w: World, out: Path, first_year: int, last_year: int) -> dict[str, int]:
    """All reference CSVs; returns rows per file name."""
    geo = w.geo
    ref = out / "raw" / "reference"
    counts: dict[str, int] = {}
    districts = [
        {
            "district_code": c,
            "district_name": geo.names[i],
            "current_code": c,
            "is_urban": geo.urban[i],
            "is_admin": geo.admin[i],
            "valid_to": None,
            "note": None,
            "city": geo.city_code,
        }
        for i, c in enumerate(geo.codes)
    ] + [
        {
            "district_code": str(r["old"]),
            "district_name": str(r["old_name"]),
            "current_code": str(r["new"]),
            "is_urban": geo.urban[geo.index(str(r["new"]))],
            "is_admin": True,
            "valid_to": str(r["valid_to"]),
            "note": str(r.get("note", "")),
            "city": geo.city_code,
        }
        for r in geo.code_map
    ]
    counts["districts.csv"] = _write(pl.DataFrame(districts), ref / "districts.csv")
    blocks = [
        {
            "block_code": f"{geo.codes[d]}-B{j + 1:02d}",
            "block_name": geo.block_names[b],
            "district": geo.codes[d],
            "city": geo.city_code,
        }
        for d in range(len(geo.codes))
        for j, b in enumerate(geo.blocks_of(d))
    ]
    counts["blocks.csv"] = _write(pl.DataFrame(blocks), ref / "blocks.csv")
    counts["control_targets.csv"] = _write(
        control_targets(w, first_year, last_year), ref / "control_targets.csv"
    )
    guide = []
    for b, name in enumerate(geo.block_names):
        d = geo.block_district[b]
        for year in range(first_year, last_year + 1):
            level = w.latent.base["rent"][d] * geo.block_factor[b] ** 0.7
            idx = float(w.latent.at("rent", d, parse_month(f"{year}-01")))
            guide.append(
                {
                    "district": geo.codes[d],
                    "block": name,
                    "year": year,
                    "guide_rent_yuan_per_sqm_month": round(level * idx / 100 * 1.08, 1),
                    "doc_source": f"南通市{year}年度住房租赁指导价格（est.）",
                    "valid_from": f"{year}-01-01",
                    "city": geo.city_code,
                }
            )
    counts["rental_guide_prices.csv"] = _write(pl.DataFrame(guide), ref / "rental_guide_prices.csv")
    counts["plan_targets.csv"] = _write(plan_targets(geo.city_code), ref / "plan_targets.csv")
    counts["income_population.csv"] = _write(
        income_population(w, first_year, last_year), ref / "income_population.csv"
    )
    banks = [
        {
            "institution_id": b[0],
            "institution_name": b[1],
            "bank_tier": b[2],
            "bank_category": b[3],
            "city": geo.city_code,
        }
        for b in BANKS
    ]
    counts["banks.csv"] = _write(pl.DataFrame(banks), ref / "banks.csv")
    return counts


def plan_targets(city: str) -> pl.DataFrame:
    """Table 1 of the plan (2025, 市区, cumulative 2021–25) plus its yearly targets."""
    t = [
        ("new_commodity_housing_area", "新建商品住房面积", 2025, 3375, ">=", "万㎡", True),
        ("resettlement_units", "安置住房", 2025, 12.56, ">=", "万套", True),
        ("talent_housing_units", "人才住房", 2025, 3.26, ">=", "万套", True),
        ("affordable_rental_units", "保障性租赁住房", 2025, 2.4, ">=", "万套", True),
        ("green_residential_share", "绿色建筑占新建住宅比例", 2025, 100, "=", "%", False),
        ("finished_decoration_share", "新建商品住宅成品住房比例", 2025, 100, "=", "%", False),
        ("old_community_renovations", "老旧小区改造", 2025, 283, ">=", "个", True),
        ("property_management_coverage", "物业管理覆盖率", 2025, 100, "=", "%", False),
    ]
    for year in range(2021, 2026):
        t.append(
            ("new_commodity_units_yearly", "新建商品住房套数（年度）", year, 5, ">=", "万套", False)
        )
        t.append(("talent_housing_units_yearly", "人才住房（年度）", year, 6000, ">=", "套", False))
    for year, v in ((2021, 2.44), (2022, 2.98), (2023, 2.82)):
        t.append(("resettlement_units_yearly", "安置住房（年度）", year, v, ">=", "万套", False))
    return pl.DataFrame(
        [
            {
                "indicator_code": c,
                "indicator_name": n,
                "scope": "市区",
                "target_year": y,
                "target_value": float(v),
                "comparator": cmp,
                "target_unit": u,
                "cumulative": cum,
                "doc_source": PLAN_DOC,
                "city": city,
            }
            for c, n, y, v, cmp, u, cum in t
        ]
    )


def income_population(w: World, first_year: int, last_year: int) -> pl.DataFrame:
    """Income grown back and forth from the 2023 anchors; population drifts slowly."""
    rows = []
    years = range(min(first_year, 2016), max(last_year, 2023) + 1)
    for code in w.geo.codes:
        for year in years:
            if year not in range(first_year, last_year + 1):
                continue
            factor = 1.0
            for y in range(2024, year + 1):
                factor *= 1 + INCOME_GROWTH.get(y, 4.5) / 100
            for y in range(year + 1, 2024):
                factor /= 1 + INCOME_GROWTH.get(y, 8.0) / 100
            pop = POP_2023[code] * (1 + 0.002 * (year - 2023))
            hh = 2.6 + (0.15 if code in ("320623", "320682", "320685") else 0.0)
            rows.append(
                {
                    "district": code,
                    "year": year,
                    "per_capita_income_yuan": float(np.round(INCOME_2023[code] * factor)),
                    "population_10k": round(pop, 2),
                    "household_size": hh,
                    "doc_source": "南通统计年鉴（est.; 2023: 全市51853元, 常住人口774万）",
                    "city": w.geo.city_code,
                }
            )
    return pl.DataFrame(rows)
