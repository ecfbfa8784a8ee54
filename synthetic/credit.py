"""Credit returns (信贷月报): banks' loan books, new mortgages, and the provident fund centre.

Each bank keeps its real-estate and personal-housing shares at 70–88% of its tier's cap (so no
bank is near a yellow signal by accident); the planted bank runs above both caps from 2021.
New mortgages follow this month's generated contracts, shared among banks by market share.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic.calendar import parse_month, rng_for
from synthetic.params import BANK_CAPS, BANKS, PF_CENTRE
from synthetic.world import World

HEADERS = (
    "机构代码",
    "机构名称",
    "机构类型",
    "银行分档",
    "报告期",
    "各项贷款余额(万元)",
    "房地产贷款余额(万元)",
    "个人住房贷款余额(万元)",
    "新发放个人住房贷款(万元)",
    "新发放笔数",
    "平均利率",
    "首套平均首付比例",
    "公积金缴存额(万元)",
    "公积金提取额(万元)",
    "公积金贷款发放额(万元)",
)
PLANTED_BANK = "B008"
_RATE = (
    ("2000-01", 4.9),
    ("2016-01", 4.55),
    ("2017-01", 4.95),
    ("2018-01", 5.5),
    ("2019-01", 5.45),
    ("2020-01", 5.3),
    ("2021-01", 5.4),
    ("2022-01", 5.1),
    ("2022-07", 4.6),
    ("2023-01", 4.1),
    ("2024-01", 3.9),
    ("2024-10", 3.3),
    ("2025-01", 3.1),
)
_DOWN = (("2000-01", 30.0), ("2022-10", 20.0), ("2024-05", 15.0))


def _step(table: tuple, month: int) -> float:
    value = table[0][1]
    for start, v in table:
        if month >= parse_month(start):
            value = v
    return value


def _cycle(month: int) -> float:
    """Share of cap used over time: rising to 2020, falling with prepayments after 2022."""
    t = (month - parse_month("2016-01")) / 12.0
    return float(np.clip(0.86 + 0.02 * t if t < 5 else 0.96 - 0.03 * (t - 5), 0.78, 0.96))


def _stable(seed: int, bank: str) -> np.random.Generator:
    return rng_for(seed, f"bank/{bank}")


def credit_rows(w: World, month: int) -> pl.DataFrame:
    """One row per bank plus the provident fund centre for `month` (money in 万元)."""
    rng = rng_for(w.seed, "credit", month)
    inp = w.credit_inputs
    shares = np.array([b[5] for b in BANKS])
    counts = rng.multinomial(int(inp.get("bank_count", 0)), shares / shares.sum())
    avg_loan = inp.get("bank_amount", 0.0) / max(inp.get("bank_count", 1.0), 1.0)
    years = (month - parse_month("2016-01")) / 12.0
    period = f"{month // 12}年{month % 12 + 1}月"
    rows: list[list] = []
    for i, (bid, name, tier, _cat, loans0, _share) in enumerate(BANKS):
        fixed = _stable(w.seed, bid)
        r_re, r_ph, growth = (
            fixed.uniform(0.80, 0.92),
            fixed.uniform(0.78, 0.92),
            fixed.uniform(0.06, 0.11),
        )
        total = loans0 * 1e8 * np.exp(growth * years) * (1 + rng.normal(0, 0.003))
        cap_re, cap_ph = BANK_CAPS[tier]
        use = _cycle(month)
        s_re, s_ph = cap_re * r_re * use, cap_ph * r_ph * use
        if bid == PLANTED_BANK:
            slot = w.event("bank_concentration", month)
            s_re, s_ph = (
                (cap_re * 1.073, cap_ph * 1.075)
                if slot is not None
                else (cap_re * 0.9, cap_ph * 0.9)
            )
            if slot is not None:
                slot.entity_ids[:] = [bid]
                slot.magnitude = round(s_re * 100, 2)
        new_amt = counts[i] * avg_loan * rng.uniform(0.9, 1.1)
        rate = _step(_RATE, month) + (tier - 1) * 0.08 + rng.normal(0, 0.03)
        rows.append(
            [
                bid,
                name,
                "银行",
                str(tier),
                period,
                total,
                total * s_re,
                total * s_ph,
                new_amt,
                str(int(counts[i])),
                f"{rate:.2f}",
                f"{_step(_DOWN, month) + (tier > 3) * 5:.1f}",
                None,
                None,
                None,
            ]
        )
    contrib = 9.0e8 * np.exp(0.085 * years) * (1 + rng.normal(0, 0.04))
    rows.append(
        [
            PF_CENTRE[0],
            PF_CENTRE[1],
            "公积金",
            None,
            period,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            contrib,
            contrib * rng.uniform(0.68, 0.8),
            inp.get("pf_amount", 0.0),
        ]
    )
    cols = {h: [_fmt(r[j]) for r in rows] for j, h in enumerate(HEADERS)}
    return pl.DataFrame(cols, schema={h: pl.Utf8 for h in HEADERS})


def _fmt(v: object) -> str | None:
    if v is None or isinstance(v, str):
        return v
    return f"{float(v) / 1e4:.2f}"
