"""Policy numbers the generator must obey, read from the dbt seeds (never restated in code).

Escrow release nodes and their cumulative shares, the key-fund cost standard by date, the three
red lines and the financing tiers with their debt-growth caps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from core.seeds import SEEDS_DIR, date_of, number_of, read_seed


@dataclass(frozen=True)
class Node:
    name: str
    order: int
    release_cum_pct: float
    max_months_to_next: float | None


@dataclass(frozen=True)
class RedLine:
    line: str
    ratio: str  # liability_ratio_ex_advance_pct / net_gearing_pct / cash_to_short_debt_ratio
    comparator: str  # '>' or '<'
    threshold: float
    valid_from: dt.date

    def breached(self, value: float) -> bool:
        return value > self.threshold if self.comparator == ">" else value < self.threshold


@dataclass(frozen=True)
class Tier:
    lines_breached: int
    tier: str
    debt_growth_cap_pct: float
    valid_from: dt.date


@dataclass(frozen=True)
class Policy:
    nodes: tuple[Node, ...]  # in node order
    cost_standards: tuple[tuple[dt.date, dt.date, float], ...]
    red_lines: tuple[RedLine, ...]
    tiers: dict[int, Tier]

    def cost_standard(self, day: dt.date) -> float:
        for start, end, value in self.cost_standards:
            if start <= day <= end:
                return value
        raise ValueError(f"no escrow cost standard in force on {day}")

    def release_pct(self, order: int) -> float:
        """Cumulative share released once node `order` is reached (0 before the first node)."""
        return next((n.release_cum_pct for n in self.nodes if n.order == order), 0.0)

    def node(self, name: str) -> Node:
        return next(n for n in self.nodes if n.name == name)

    def lines_in_force(self, day: dt.date) -> tuple[RedLine, ...]:
        return tuple(r for r in self.red_lines if r.valid_from <= day)


@lru_cache(maxsize=1)
def load_policy() -> Policy:
    nodes = sorted(
        (
            Node(
                r.get("node"),
                int(number_of(r, "node_order") or 0),
                float(number_of(r, "release_cum_pct") or 0.0),
                number_of(r, "max_months_to_next", required=False),
            )
            for r in read_seed(
                SEEDS_DIR,
                "policy_escrow_nodes.csv",
                ("node", "node_order", "release_cum_pct", "max_months_to_next"),
            )
        ),
        key=lambda n: n.order,
    )
    costs = tuple(
        (
            date_of(r, "valid_from"),
            date_of(r, "valid_to", required=False),
            float(number_of(r, "cost_standard_yuan_per_sqm") or 0.0),
        )
        for r in read_seed(
            SEEDS_DIR,
            "policy_escrow_cost_standards.csv",
            ("valid_from", "valid_to", "cost_standard_yuan_per_sqm"),
        )
    )
    lines = tuple(
        RedLine(
            r.get("line"),
            r.get("ratio"),
            r.get("comparator"),
            float(number_of(r, "threshold") or 0.0),
            date_of(r, "valid_from"),
        )
        for r in read_seed(
            SEEDS_DIR, "policy_red_lines.csv", ("line", "ratio", "comparator", "threshold")
        )
    )
    tiers = {
        int(number_of(r, "lines_breached") or 0): Tier(
            int(number_of(r, "lines_breached") or 0),
            r.get("tier"),
            float(number_of(r, "debt_growth_cap_pct") or 0.0),
            date_of(r, "valid_from"),
        )
        for r in read_seed(
            SEEDS_DIR,
            "policy_red_line_tiers.csv",
            ("lines_breached", "tier", "debt_growth_cap_pct", "valid_from"),
        )
    }
    return Policy(tuple(nodes), costs, lines, tiers)
