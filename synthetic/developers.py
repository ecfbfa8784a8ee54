"""Developer finance returns (重点房地产企业资金监测季报), one row per developer and quarter end.

A developer group reports while it has a presale permit issued in Nantong within the previous
36 months. Each quarter the generator picks the three red-line ratios (剔除预收款后的资产负债率,
净负债率, 现金短债比) and the interest-bearing debt, then solves the balance sheet that gives
them, so the ratios are what the warehouse will recompute. Most groups are 绿档 with a margin; a
few are stable 黄档 (the same single line breached quarter after quarter). Interest-bearing debt
grows slowly (under 0.8 × the tier's cap year on year). The planted `developer_red_slide` group
breaches one more line every one or two quarters (黄, 黄, 橙, 橙, 红 …) while its debt grows fast,
and overdue commercial paper appears in its red quarters.

Draws come from new streams keyed by the developer's name ("developer_profile:<name>",
"developer_finance:<name>" per quarter), so adding a developer changes nobody else's numbers.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from collections import defaultdict
from pathlib import Path

import numpy as np
import polars as pl

from synthetic.calendar import first_day, rng_for
from synthetic.escrow import developer_id
from synthetic.params import DEV_ASSETS_YUAN, DEV_YELLOW_EVERY
from synthetic.policy import load_policy
from synthetic.world import World
from synthetic.writers import CsvSink

HEADERS = (
    "统一社会信用代码",
    "企业名称",
    "报告期",
    "资产总额",
    "负债总额",
    "预收款项",
    "所有者权益",
    "货币资金",
    "短期有息负债",
    "有息负债",
    "商票逾期",
)
TIER_COLUMNS = (
    "developer_id",
    "developer",
    "period_quarter",
    "liability_ratio_ex_advance_pct",
    "net_gearing_pct",
    "cash_to_short_debt_ratio",
    "lines_breached",
    "tier",
    "interest_bearing_debt_yuan",
    "debt_growth_yoy_pct",
    "debt_growth_cap_pct",
    "overdue_commercial_paper_yuan",
)
# (green value, breached value) ranges per line, in the seed's ratio units
GREEN = {
    "liability_ratio": (52.0, 62.0),
    "net_gearing": (40.0, 75.0),
    "cash_short_debt": (1.3, 2.0),
}
BREACH = {
    "liability_ratio": (72.5, 77.0),
    "net_gearing": (108.0, 125.0),
    "cash_short_debt": (0.75, 0.9),
}
SLIDE_ORDER = ("liability_ratio", "cash_short_debt", "net_gearing")
SLIDE_STEPS = (1, 1, 2, 2, 3)  # lines breached in the slide's quarters, then 3 to the end


def quarter_end_day(month: int) -> dt.date:
    nxt = first_day(month + 1) - np.timedelta64(1, "D")
    return dt.date.fromisoformat(str(nxt))


class DeveloperBook:
    def __init__(self, raw: Path) -> None:
        self.policy = load_policy()
        self.raw = raw
        self.rows: dict[str, dict[str, int]] = defaultdict(dict)
        self.debt: dict[tuple[str, int], float] = {}  # (developer, quarter month) -> debt
        self.truth: list[dict] = []

    def _profile(self, w: World, name: str) -> dict:
        rng = rng_for(w.seed, f"developer_profile:{name}")
        lo, hi = DEV_ASSETS_YUAN
        yellow = zlib.crc32(name.encode("utf-8")) % DEV_YELLOW_EVERY == 0
        return {
            "assets": math.exp(rng.uniform(math.log(lo * 1.5), math.log(hi / 1.5))),
            "growth": rng.uniform(0.0, 0.04),  # debt growth per year
            "yellow": SLIDE_ORDER[int(rng.integers(3))] if yellow else None,
            "targets": {k: rng.uniform(*GREEN[k]) for k in GREEN},
            "breach": {k: rng.uniform(*BREACH[k]) for k in BREACH},
            "advance": rng.uniform(0.2, 0.3),
            "cash_share": rng.uniform(0.25, 0.4),
        }

    def quarter(self, w: World, month: int) -> None:
        if month % 3 != 2:
            return
        s = w.store
        active = sorted(
            {
                s.projects[p.project].developer
                for p in s.permits
                if month - 36 < _month_of(p.issue_date) <= month
            }
        )
        slot = w.events.get("developer_red_slide")
        if slot is not None and "developer" not in slot.params and month >= slot.first:
            self._choose(w, month, active, slot)
        day = quarter_end_day(month)
        rows = []
        for name in active:
            prof = self._profile(w, name)
            rng = rng_for(w.seed, f"developer_finance:{name}", month)
            breached = {prof["yellow"]} if prof["yellow"] else set()
            step = None
            growth = prof["growth"]
            if slot is not None and slot.params.get("developer") == name and month >= slot.first:
                k = (month - slot.first) // 3
                step = SLIDE_STEPS[min(k, len(SLIDE_STEPS) - 1)]
                breached = set(SLIDE_ORDER[:step])
                growth = 0.28 if step < 3 else -0.08  # borrows fast, then deleverages
            ratios = {k: prof["breach"][k] if k in breached else prof["targets"][k] for k in GREEN}
            ratios = {
                k: v * (1 + rng.uniform(-0.006, 0.006)) for k, v in ratios.items()
            }  # a little noise, far from the thresholds
            prev = self.debt.get((name, month - 3))
            years = (month - 2016 * 12) / 12
            base = prof["assets"] * 0.27 * (1 + prof["growth"]) ** years
            debt = base if prev is None else prev * (1 + growth) ** 0.25
            debt *= 1 + rng.uniform(-0.002, 0.002)
            self.debt[(name, month)] = debt
            row, truth = self._sheet(name, day, debt, ratios, prof, step, rng)
            rows.append(row)
            year_ago = self.debt.get((name, month - 12))
            g = None if year_ago is None else (debt / year_ago - 1) * 100
            self.truth.append({**truth, "debt_growth_yoy_pct": g})
        if rows:
            rel = f"developer_finance/重点房企资金监测_{month // 12}Q{month % 12 // 3 + 1}.csv"
            sink = CsvSink(self.raw / rel, bom=True)
            sink.write(pl.DataFrame(rows, schema={h: pl.Utf8 for h in HEADERS}))
            self.rows["developer_finance"][rel] = sink.rows

    def _choose(self, w: World, month: int, active: list[str], slot) -> None:
        """The group with most Nantong permits in the last 12 months (a green one)."""
        s = w.store
        counts: dict[str, int] = defaultdict(int)
        for p in s.permits:
            if month - 12 < _month_of(p.issue_date) <= month:
                counts[s.projects[p.project].developer] += 1
        cands = [n for n in active if self._profile(w, n)["yellow"] is None and counts[n] > 0]
        if not cands or month + 12 > w.end:
            del w.events["developer_red_slide"]
            return
        name = max(cands, key=lambda n: (counts[n], n))
        slot.params["developer"] = name
        slot.first = month
        slot.entity_ids[:] = [developer_id(name)]
        slot.related_ids[:] = sorted(
            {
                s.projects[p.project].project_id
                for p in s.permits
                if s.projects[p.project].developer == name and _month_of(p.issue_date) <= month
            }
        )[:5]

    def _sheet(self, name, day, debt, ratios, prof, step, rng) -> tuple[dict, dict]:
        """Balance sheet with exactly these ratios (items rounded to 元)."""
        cash_share = prof["cash_share"] * (0.6 if step is not None and step >= 2 else 1.0)
        cash = debt * cash_share
        short = cash / ratios["cash_short_debt"]
        equity = (debt - cash) / (ratios["net_gearing"] / 100)
        ex_adv = equity / (1 - ratios["liability_ratio"] / 100)  # assets − advance receipts
        assets = ex_adv / (1 - prof["advance"])
        advance = assets - ex_adv
        liabilities = assets - equity
        overdue = debt * rng.uniform(0.01, 0.03) if step is not None and step >= 3 else 0.0
        items = [
            round(v) for v in (assets, liabilities, advance, equity, cash, short, debt, overdue)
        ]
        a, li, adv, eq, c, sh, d, od = items
        eq = a - li
        row = dict(
            zip(
                HEADERS,
                [
                    developer_id(name),
                    name,
                    str(day),
                    *(str(v) for v in (a, li, adv, eq, c, sh, d, od)),
                ],
                strict=True,
            )
        )
        lr = (li - adv) / (a - adv) * 100
        ng = (d - c) / eq * 100
        cs = c / sh
        values = {"liability_ratio": lr, "net_gearing": ng, "cash_short_debt": cs}
        lines = self.policy.lines_in_force(day)
        n = sum(1 for r in lines if r.breached(values[r.line]))
        tier = self.policy.tiers.get(n) if lines else None
        truth = {
            "developer_id": developer_id(name),
            "developer": name,
            "period_quarter": str(day),
            "liability_ratio_ex_advance_pct": lr,
            "net_gearing_pct": ng,
            "cash_to_short_debt_ratio": cs,
            "lines_breached": n if lines else None,
            "tier": tier.tier if tier else "",
            "interest_bearing_debt_yuan": float(d),
            "debt_growth_cap_pct": tier.debt_growth_cap_pct if tier else None,
            "overdue_commercial_paper_yuan": float(od),
        }
        return row, truth

    def finalise(self, w: World) -> None:
        """The slide's realised window and the quarters its debt grew above the tier's cap."""
        slot = w.events.get("developer_red_slide")
        if slot is None:
            return
        if "developer" not in slot.params:
            del w.events["developer_red_slide"]
            return
        mine = [t for t in self.truth if t["developer_id"] == slot.entity_ids[0]]
        slot.last = w.end
        over = [
            t
            for t in mine
            if t["debt_growth_yoy_pct"] is not None
            and t["debt_growth_cap_pct"] is not None
            and t["debt_growth_yoy_pct"] > t["debt_growth_cap_pct"]
        ]
        if over:
            m0 = _month_of(np.datetime64(over[0]["period_quarter"]))
            m1 = _month_of(np.datetime64(over[-1]["period_quarter"]))
            slot.params["extra"] = (m0, m1)
        red = [t for t in mine if t["tier"] == "red"]
        slot.magnitude = float(len(red))

    def write_truth(self, truth_dir: Path) -> int:
        df = pl.DataFrame(
            self.truth,
            schema={
                "developer_id": pl.Utf8,
                "developer": pl.Utf8,
                "period_quarter": pl.Utf8,
                "liability_ratio_ex_advance_pct": pl.Float64,
                "net_gearing_pct": pl.Float64,
                "cash_to_short_debt_ratio": pl.Float64,
                "lines_breached": pl.Int64,
                "tier": pl.Utf8,
                "interest_bearing_debt_yuan": pl.Float64,
                "debt_growth_yoy_pct": pl.Float64,
                "debt_growth_cap_pct": pl.Float64,
                "overdue_commercial_paper_yuan": pl.Float64,
            },
        ).select(TIER_COLUMNS)
        df = df.with_columns(pl.col(pl.Float64).round(4))
        (truth_dir / "developer_tiers.csv").write_bytes(df.write_csv().encode("utf-8"))
        return len(df)


def _month_of(day: np.datetime64) -> int:
    y, m = str(day)[:7].split("-")
    return int(y) * 12 + int(m) - 1
