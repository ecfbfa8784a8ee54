"""The alert seeds read in Python and a deliberately simple reimplementation of fct_alerts that
predicts what fixture observations must raise (rule_cases.py generates them; the hand-written
cases with literal expectations in test_rule_boundaries.py pin this reimplementation)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text.strip() else None


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def first_month_from(day: dt.date) -> dt.date:
    """The first month whose first day is on or after `day` (period_start is a month's 1st)."""
    return day if day.day == 1 else add_months(day.replace(day=1), 1)


def valid(period: dt.date, start: dt.date, end: dt.date | None) -> bool:
    return start <= period and (end is None or period <= end)


@dataclass(frozen=True)
class Rule:
    rule_id: str
    indicator: str
    geo_level: str
    direction: str
    basis: str
    persistence: int
    min_sample: float
    valid_from: dt.date
    valid_to: dt.date | None
    indicator_zh: str
    unit_zh: str


@dataclass(frozen=True)
class Threshold:
    rule_id: str
    district: str | None
    level: str
    comparator: str
    value: float
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass(frozen=True)
class Seeds:
    rules: tuple[Rule, ...]
    thresholds: tuple[Threshold, ...]
    severity: dict[str, int]
    level_zh: dict[str, str]

    @classmethod
    def load(cls, seeds_dir: Path) -> Seeds:
        def read(name: str) -> list[dict[str, str]]:
            with (seeds_dir / name).open(encoding="utf-8-sig", newline="") as handle:
                return list(csv.DictReader(handle))

        rules = tuple(
            Rule(
                r["rule_id"],
                r["indicator"],
                r["geo_level"],
                r["direction"],
                r["threshold_basis"],
                int(r["persistence_months"]),
                float(r["min_sample"]),
                dt.date.fromisoformat(r["valid_from"]),
                _date(r["valid_to"]),
                r["indicator_zh"],
                r["unit_zh"],
            )
            for r in read("alert_rules.csv")
        )
        thresholds = tuple(
            Threshold(
                t["rule_id"],
                t["district_code"] or None,
                t["level"],
                t["comparator"],
                float(t["threshold"]),
                dt.date.fromisoformat(t["valid_from"]),
                _date(t["valid_to"]),
            )
            for t in read("alert_thresholds.csv")
        )
        levels = read("alert_levels.csv")
        return cls(
            rules,
            thresholds,
            {lv["level"]: int(lv["severity"]) for lv in levels},
            {lv["level"]: lv["level_zh"] for lv in levels},
        )

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.rule_id == rule_id)

    def rule_thresholds(self, rule_id: str) -> list[Threshold]:
        return [t for t in self.thresholds if t.rule_id == rule_id]


# ---------------------------------------------------------------------------------------------
# Fixture observations (the shape of int_alerts__observations' `observations` CTE)


@dataclass(frozen=True)
class Observation:
    entity_id: str
    indicator: str
    kind: str
    geo_level: str
    geo_code: str
    geo_name: str
    district_code: str | None
    period_start: dt.date
    observed_value: float | None
    upper_bound_value: float | None
    lower_bound_value: float | None
    sample_size: float | None
    grain: str = "month"

    def row(self) -> tuple:
        return (
            self.indicator, self.grain, self.period_start, self.geo_level, self.geo_code,
            self.geo_name, self.district_code, self.kind, self.entity_id, f"测试 {self.entity_id}",
            self.entity_id if self.kind == "institution" else None,
            self.entity_id if self.kind == "parcel" else None,
            self.observed_value, self.upper_bound_value, self.lower_bound_value, self.sample_size,
        )  # fmt: skip


OBSERVATION_COLUMNS = (
    "indicator varchar", "period_grain varchar", "period_start date", "geo_level varchar",
    "geo_code varchar", "geo_name varchar", "district_code varchar", "entity_type varchar",
    "entity_id varchar", "entity_name varchar", "institution_id varchar", "parcel_id varchar",
    "observed_value double", "upper_bound_value double", "lower_bound_value double",
    "sample_size double",
)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Reference evaluation


@dataclass(frozen=True)
class Alert:
    rule_id: str
    entity_id: str
    period_start: dt.date
    level: str
    effective_threshold: float
    months_running: int
    run_start_period: dt.date


def effective(threshold: Threshold, rule: Rule, upper: float | None, lower: float | None):
    """t = threshold, or threshold × base / 100 (in the same order of operations as the SQL)."""
    if rule.basis == "absolute":
        return threshold.value
    base = upper if rule.basis == "pct_of_upper_bound" else lower
    return None if base is None else threshold.value * base / 100.0


def meets(value: float, comparator: str, t: float) -> bool:
    return {
        ">": value > t,
        ">=": value >= t,
        "<": value < t,
        "<=": value <= t,
    }[comparator]


def judge(seeds: Seeds, rule: Rule, obs: Observation) -> tuple[str, float] | None:
    """The level (and its effective threshold) `rule` gives one month's observation, if any."""
    if obs.observed_value is None or obs.sample_size is None:
        return None
    if obs.sample_size < rule.min_sample:
        return None
    rows = [
        t
        for t in seeds.rule_thresholds(rule.rule_id)
        if t.district in (None, obs.district_code)
        and valid(obs.period_start, t.valid_from, t.valid_to)
    ]
    overridden = {t.level for t in rows if t.district is not None}
    met = []
    for t in rows:
        if t.district is None and t.level in overridden:
            continue
        value = effective(t, rule, obs.upper_bound_value, obs.lower_bound_value)
        if value is not None and meets(obs.observed_value, t.comparator, value):
            met.append((t.level, value))
    if not met:
        return None
    sign = 1 if rule.direction == "high" else -1
    return max(met, key=lambda m: (seeds.severity[m[0]], sign * m[1]))


def reference_alerts(seeds: Seeds, observations: list[Observation]) -> set[Alert]:
    """What fct_alerts must hold for these observations."""
    fired: dict[tuple[str, str], list[tuple[dt.date, str, float]]] = {}
    step = {obs.entity_id: 12 if obs.grain == "year" else 1 for obs in observations}
    for obs in observations:
        for rule in seeds.rules:
            if rule.indicator != obs.indicator or rule.geo_level != obs.geo_level:
                continue
            if not valid(obs.period_start, rule.valid_from, rule.valid_to):
                continue
            verdict = judge(seeds, rule, obs)
            if verdict:
                key = (rule.rule_id, obs.entity_id)
                fired.setdefault(key, []).append((obs.period_start, *verdict))
    alerts = set()
    for (rule_id, entity_id), months in fired.items():
        persistence = seeds.rule(rule_id).persistence
        run_start, previous, running = None, None, 0
        for period, level, threshold in sorted(months):
            if previous is not None and add_months(previous, step[entity_id]) == period:
                running += 1
            else:
                run_start, running = period, 1
            previous = period
            if running >= persistence:
                alerts.add(Alert(rule_id, entity_id, period, level, threshold, running, run_start))
    return alerts
