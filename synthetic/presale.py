"""Presale permits (预售许可) issued month by month to hold each district near its supply target.

The planted supply events work through the target: a shortage district stops receiving permits
until its stock falls under six months of sales; an oversupply district is flooded with them.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import polars as pl

from synthetic.calendar import rng_for, year_of
from synthetic.projects import expected_monthly_sales, issue_permit, mos_target, permit_size
from synthetic.store import FOR_SALE, Permit
from synthetic.world import World

HEADERS = (
    "预售许可证号",
    "项目编号",
    "项目名称",
    "开发企业",
    "区县",
    "板块",
    "预售幢号",
    "预售套数",
    "住宅套数",
    "预售面积(㎡)",
    "住宅面积(㎡)",
    "发证日期",
    "备案均价(元/㎡)",
)
NUMERIC = ("预售套数", "住宅套数", "预售面积(㎡)", "住宅面积(㎡)", "备案均价(元/㎡)")
SHORTAGE_TARGET = 2.5
GLUT_TARGET = 55.0
WITHHELD_MIN_UNITS = 40  # the withheld project stays above the rule's 20-unit minimum sample


class PresaleBook:
    """Buffers one year's permit rows for the yearly workbook."""

    def __init__(self) -> None:
        self.rows: dict[int, list[dict]] = defaultdict(list)

    def add(self, year: int, row: dict) -> None:
        self.rows[year].append(row)

    def take(self, year: int) -> pl.DataFrame | None:
        rows = self.rows.pop(year, [])
        if not rows:
            return None
        df = pl.DataFrame(rows, schema={h: pl.Utf8 for h in HEADERS})
        return df.sort("发证日期", "预售许可证号")


def _target(w: World, d: int, month: int) -> float:
    low = w.event("months_of_supply_low", month)
    if low is not None and low.district == d:
        return SHORTAGE_TARGET
    high = w.event("months_of_supply_high", month)
    if high is not None and high.district == d:
        return GLUT_TARGET
    return mos_target(w.geo, d, year_of(month))


def issue_permits(w: World, month: int, book: PresaleBook) -> None:
    """Issue permits wherever saleable residential stock is under target × expected sales."""
    rng = rng_for(w.seed, "presale", month)
    s = w.store
    res_for_sale = (s.status == FOR_SALE) & (s.usage == 0)
    stock = np.bincount(s.district[res_for_sale], minlength=len(w.geo.codes))
    y = year_of(month)
    for d, code in enumerate(w.geo.codes):
        monthly = expected_monthly_sales(code, y, w.scale)
        target = _target(w, d, month) * monthly
        have = int(stock[d])
        while have < target:
            permit = _issue(w, book, rng, d, month, permit_size(rng, monthly))
            have += permit.residential_units
        withheld = w.event("withheld_supply", month)
        if withheld is not None and withheld.district == d and withheld.first == month:
            # a new project whose developer will hold its units off the market (捂盘惜售)
            size = max(permit_size(rng, monthly), WITHHELD_MIN_UNITS)
            permit = _issue(w, book, rng, d, month, size, fresh=True)
            withheld.params["project"] = permit.project
            withheld.entity_ids[:] = [s.projects[permit.project].project_id]
            withheld.related_ids[:] = [permit.permit_id]


def _issue(
    w: World,
    book: PresaleBook,
    rng: np.random.Generator,
    d: int,
    month: int,
    size: int,
    fresh: bool = False,
) -> Permit:
    """Issue one permit and write it to the presale book."""
    s = w.store
    y = year_of(month)
    w.permit_seq[y] += 1
    permit = issue_permit(s, w.geo, w.latent, rng, d, month, size, w.permit_seq[y], fresh=fresh)
    w.permitted_area[d, month - w.start] += permit.residential_area
    proj = s.projects[permit.project]
    book.add(
        y,
        {
            "预售许可证号": permit.permit_id,
            "项目编号": proj.project_id,
            "项目名称": proj.name,
            "开发企业": proj.developer,
            "区县": w.geo.names[d],
            "板块": w.geo.block_names[proj.block],
            "预售幢号": permit.buildings,
            "预售套数": str(permit.units),
            "住宅套数": str(permit.residential_units),
            "预售面积(㎡)": f"{permit.area:.2f}",
            "住宅面积(㎡)": f"{permit.residential_area:.2f}",
            "发证日期": str(permit.issue_date),
            "备案均价(元/㎡)": f"{permit.filed_avg:.0f}",
        },
    )
    return permit
