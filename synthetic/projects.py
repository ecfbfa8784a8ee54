"""Projects, presale permits, buildings and units; the older second-hand stock.

Permits are issued to keep each district's saleable stock near a months-of-supply target, so
去化周期 behaves like the real one (short in 2021, long in 2023–24, longer in the counties).
Each permit files an average price (备案均价) a little above the price the developer expects.
"""

from __future__ import annotations

import math

import numpy as np

from synthetic.calendar import by_year, random_days, year_of
from synthetic.geo import Geography
from synthetic.market import LatentIndex
from synthetic.params import (
    ANNUAL,
    FILED_HEADROOM,
    MOS_TARGET_COUNTY,
    MOS_TARGET_URBAN,
    OLD_STOCK_UNITS,
    SHARE,
    SIZE_BANDS_NEW,
    SIZE_BANDS_OLD,
)
from synthetic.store import FOR_SALE, OLD, Permit, Project, UnitStore

BRANDS = (
    "万科",
    "碧桂园",
    "中南",
    "融创",
    "绿城",
    "招商",
    "保利",
    "金地",
    "新城",
    "龙湖",
    "华润",
    "旭辉",
    "三建",
    "苏建",
    "建华",
    "中海",
    "世茂",
    "大华",
    "华强",
    "南通城建",
)
SUFFIX = (
    "璞悦府",
    "紫郡",
    "云著",
    "玖樾",
    "天境",
    "珑湾",
    "滨江府",
    "公馆",
    "花园",
    "壹号院",
    "翡翠城",
    "观澜",
    "锦园",
    "学府",
    "雅苑",
    "春晓",
    "御景",
    "时代广场",
    "悦府",
    "湖畔",
)
OLD_WORDS = (
    "和平",
    "幸福",
    "文峰",
    "光明",
    "建设",
    "青年",
    "朝阳",
    "东方",
    "华新",
    "新桥",
    "城南",
    "北濠",
    "友谊",
    "民主",
    "团结",
    "紫薇",
    "桃园",
    "丽景",
    "海棠",
    "江滨",
)
OLD_TYPES = ("新村", "小区", "花园", "苑", "公寓", "家园")


def _areas(rng: np.random.Generator, n: int, bands: tuple) -> np.ndarray:
    shares = np.array([b[0] for b in bands])
    pick = rng.choice(len(bands), size=n, p=shares / shares.sum())
    lo = np.array([b[1] for b in bands])[pick]
    hi = np.array([b[2] for b in bands])[pick]
    u = rng.beta(1.6, 1.6, n) if len(bands) else rng.random(n)
    return np.round(lo + (hi - lo) * u, 2)


def unit_quality(floor: np.ndarray, floors: np.ndarray, area: np.ndarray) -> np.ndarray:
    """Floor and size effects: upper floors dearer, ground/top cheaper, big units cheaper per ㎡."""
    rel = floor / np.maximum(floors, 1)
    q = 1.0 + 0.05 * rel - 0.03 * (floor == 1) - 0.02 * ((floor == floors) & (floors > 6))
    return q * (area / 120.0) ** -0.06


def _buildings(
    store: UnitStore,
    rng: np.random.Generator,
    *,
    district: int,
    block: int,
    project: int,
    permit: int,
    month: int,
    n_target: int,
    urban: bool,
    build_year: int,
    old: bool,
) -> tuple[np.ndarray, list[int]]:
    """Create buildings until about n_target units; each column of a building has one layout."""
    proj = store.projects[project]
    made: list[np.ndarray] = []
    numbers: list[int] = []
    total = 0
    while total < n_target:
        if old:
            floors = int(rng.choice([5, 6, 7, 11, 18], p=[0.3, 0.35, 0.1, 0.15, 0.1]))
        else:
            opts, p = (
                ([11, 18, 26, 33], [0.2, 0.3, 0.3, 0.2])
                if urban
                else ([6, 11, 18, 26], [0.2, 0.35, 0.3, 0.15])
            )
            floors = int(rng.choice(opts, p=p))
        per_floor = int(rng.integers(2, 5))
        col_area = _areas(rng, per_floor, SIZE_BANDS_OLD if old else SIZE_BANDS_NEW)
        fl = np.repeat(np.arange(1, floors + 1), per_floor)
        rm = np.tile(np.arange(1, per_floor + 1), floors)
        area = col_area[rm - 1]
        proj.buildings += 1
        numbers.append(proj.buildings)
        q = unit_quality(fl, floors, area) * np.exp(rng.normal(0, 0.02, len(fl)))
        made.append(
            store.add(
                district=district,
                block=block,
                project=project,
                permit=permit,
                building=proj.buildings,
                floor=fl,
                room=rm,
                total_floors=floors,
                area=area,
                usage=0,
                quality=q,
                status=OLD if old else 0,
                listed=month,
                build_year=build_year,
            )
        )
        total += len(fl)
    return np.concatenate(made), numbers


def expected_monthly_sales(code: str, year: int, scale: float) -> float:
    return by_year(ANNUAL["new_home"], year) * SHARE["new_home"][code] * scale / 12.0


def mos_target(geo: Geography, district: int, year: int) -> float:
    table = MOS_TARGET_URBAN if geo.urban[district] else MOS_TARGET_COUNTY
    return float(by_year(table, year))


def new_project(
    store: UnitStore, geo: Geography, rng: np.random.Generator, district: int, month: int
) -> int:
    """A new development in a random block of the district."""
    blocks = geo.blocks_of(district)
    block = int(rng.choice(blocks))
    brand = BRANDS[int(rng.integers(len(BRANDS)))]
    name = f"{brand}{geo.block_names[block]}{SUFFIX[int(rng.integers(len(SUFFIX)))]}"
    seq = len(store.projects) + 1
    store.projects.append(
        Project(
            project_id=f"P{geo.codes[district]}{seq:05d}",
            name=name,
            district=district,
            block=block,
            developer=f"南通{brand}房地产开发有限公司",
            quality=float(np.exp(rng.normal(0, 0.07))),
            first_month=month,
            build_year=year_of(month) + 2,
        )
    )
    return len(store.projects) - 1


def issue_permit(
    store: UnitStore,
    geo: Geography,
    latent: LatentIndex,
    rng: np.random.Generator,
    district: int,
    month: int,
    n_units: int,
    seq: int,
    fresh: bool = False,
) -> Permit:
    """One presale permit over new buildings, with parking and shops alongside the flats
    (`fresh`: always for a new project)."""
    active = [
        i
        for i, p in enumerate(store.projects)
        if p.district == district
        and p.permits
        and month - p.first_month < 30
        and len(p.permits) < 5
    ]
    project = (
        int(rng.choice(active))
        if active and not fresh and rng.random() < 0.55
        else new_project(store, geo, rng, district, month)
    )
    proj = store.projects[project]
    pidx = len(store.permits)
    units, numbers = _buildings(
        store,
        rng,
        district=district,
        block=proj.block,
        project=project,
        permit=pidx,
        month=month,
        n_target=n_units,
        urban=geo.urban[district],
        build_year=year_of(month) + 2,
        old=False,
    )
    level = latent.base["new_home"][district] * geo.block_factor[proj.block] * proj.quality
    avg = level * float(latent.at("new_home", district, month)) / 100 * rng.uniform(*FILED_HEADROOM)
    q = store.quality[units]
    store.set("filed", units, np.round(avg * q / q.mean()))
    store.set("status", units, FOR_SALE)
    res_units = len(units)
    res_area = float(store.area[units].sum())
    n_park = max(1, round(res_units * 0.03))
    n_shop = max(1, round(res_units * 0.012))
    park = store.add(
        district=district,
        block=proj.block,
        project=project,
        permit=pidx,
        building=0,
        floor=-1,
        room=np.arange(1, n_park + 1),
        total_floors=1,
        area=np.round(rng.uniform(28, 40, n_park), 2),
        usage=1,
        quality=1.0,
        status=FOR_SALE,
        listed=month,
        build_year=proj.build_year,
    )
    store.set("filed", park, np.round(rng.uniform(3200, 5200) * (level / 20000) ** 0.5))
    shop = store.add(
        district=district,
        block=proj.block,
        project=project,
        permit=pidx,
        building=numbers[0],
        floor=1,
        room=np.arange(1, n_shop + 1),
        total_floors=2,
        area=np.round(rng.uniform(45, 180, n_shop), 2),
        usage=2,
        quality=1.0,
        status=FOR_SALE,
        listed=month,
        build_year=proj.build_year,
    )
    store.set("filed", shop, np.round(avg * 1.25))
    all_units = np.concatenate([units, park, shop])
    permit = Permit(
        permit_id=f"通房预售证第{year_of(month)}{seq:04d}号",
        project=project,
        issue_date=random_days(rng, month, 1)[0],
        buildings="、".join(f"{b}幢" for b in numbers),
        units=len(all_units),
        residential_units=res_units,
        area=round(float(store.area[all_units].sum()), 2),
        residential_area=round(res_area, 2),
        filed_avg=float(round(avg)),
    )
    store.permits.append(permit)
    proj.permits.append(pidx)
    return permit


def permit_size(rng: np.random.Generator, monthly: float) -> int:
    return int(np.clip(monthly * rng.uniform(1.5, 4.0), 12, 600))


def build_old_stock(
    store: UnitStore, geo: Geography, seed_rng: np.random.Generator, scale: float
) -> None:
    """Older communities (built 1992–2015) that feed the second-hand and rental markets."""
    owner = 0
    for d, code in enumerate(geo.codes):
        target = max(60, round(OLD_STOCK_UNITS * scale * SHARE["resale"][code]))
        made = 0
        while made < target:
            blocks = geo.blocks_of(d)
            block = int(seed_rng.choice(blocks))
            year = int(1992 + min(23, math.floor(seed_rng.beta(2.2, 1.4) * 24)))
            word = OLD_WORDS[int(seed_rng.integers(len(OLD_WORDS)))]
            kind = OLD_TYPES[int(seed_rng.integers(len(OLD_TYPES)))]
            seq = len(store.projects) + 1
            store.projects.append(
                Project(
                    project_id=f"C{code}{seq:05d}",
                    name=f"{geo.block_names[block]}{word}{kind}{seq % 7 + 1}区",
                    district=d,
                    block=block,
                    developer="",
                    quality=float(np.exp(seed_rng.normal(0, 0.09))),
                    first_month=(year - 2) * 12,
                    build_year=year,
                )
            )
            n = min(int(seed_rng.integers(120, 700)), target - made + 24)
            units, _ = _buildings(
                store,
                seed_rng,
                district=d,
                block=block,
                project=len(store.projects) - 1,
                permit=-1,
                month=(year - 2) * 12,
                n_target=n,
                urban=geo.urban[d],
                build_year=year,
                old=True,
            )
            store.set("owner", units, np.arange(owner, owner + len(units)))
            owner += len(units)
            made += len(units)
