"""Fixture cases generated from the alert seeds: every threshold row just below, at and just
above its effective threshold, persistence runs, minimum samples and validity dates — so a new
rule or a changed threshold is tested without editing a test."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ingest.geography import DEFAULT_CITY, gazetteer
from pipeline.seedchecks.alerts import INDICATORS
from tests.alerts.rule_reference import (
    Observation,
    Rule,
    Seeds,
    Threshold,
    add_months,
    effective,
    first_month_from,
    valid,
)

# Bases for the pct_of_* rules (a bank's tier cap, a district's control band): one positive and
# one small base per side, so a threshold is checked at two scales.
UPPER_BASES = (27.5, 5.0)
LOWER_BASES = (-5.0, 2.0)
DEFAULT_UPPER, DEFAULT_LOWER = UPPER_BASES[0], LOWER_BASES[0]
RELATIVE_EPSILON = 1e-4  # "just below/above" = t ∓ 1e-4 × max(|t|, 1)
AMPLE_SAMPLE = 1000.0  # a sample far above any min_sample, for cases not about the sample
OVERRIDE_SHIFT = 0.1  # a test override row sits 10% of max(|t|, 1) beyond the city-wide row
OVERRIDE_DELAY = 12  # months after the city-wide row that a test override row takes effect
CITY_NAME = "全市"


def indicator_kinds() -> dict[str, str]:
    """Indicator → entity kind (area, institution, parcel, project, buyer, developer, source)."""
    return {code: indicator.entity for code, indicator in INDICATORS.items()}


def indicator_grains() -> dict[str, str]:
    """Indicator → period grain (month or year)."""
    return {code: indicator.grain for code, indicator in INDICATORS.items()}


@dataclass(frozen=True)
class Place:
    geo_level: str
    geo_code: str
    geo_name: str
    district_code: str | None


def districts() -> list[Place]:
    geography = gazetteer(DEFAULT_CITY)
    assert geography is not None
    return [Place("district", d.code, d.name, d.code) for d in geography.districts]


def place_for(rule: Rule, district: Place | None) -> Place:
    if rule.geo_level == "district":
        assert district is not None
        return district
    code = DEFAULT_CITY if rule.geo_level == "city" else f"{DEFAULT_CITY}U"
    return Place(rule.geo_level, code, CITY_NAME if rule.geo_level == "city" else "市区", None)


@dataclass
class Case:
    """One fixture entity: its observations, month by month; `case_id` is its entity_id."""

    case_id: str
    label: str
    observations: list[Observation] = field(default_factory=list)


@dataclass
class CaseBook:
    """Builds cases with unique entity ids, so one dbt run serves them all."""

    seeds: Seeds
    kinds: dict[str, str]
    grains: dict[str, str] = field(default_factory=indicator_grains)
    cases: list[Case] = field(default_factory=list)

    def add(
        self,
        label: str,
        rule: Rule,
        values: list[float | None],
        first_month: dt.date,
        place: Place,
        upper: float | None = DEFAULT_UPPER,
        lower: float | None = DEFAULT_LOWER,
        sample: float | None = AMPLE_SAMPLE,
    ) -> Case:
        """An entity observed on `rule`'s indicator for consecutive months from `first_month`;
        a None value skips that month (no observation)."""
        case = Case(f"c{len(self.cases):04d}", label)
        kind, grain = self.kinds[rule.indicator], self.grains[rule.indicator]
        step = 12 if grain == "year" else 1
        for offset, value in enumerate(values):
            if value is None:
                continue
            case.observations.append(
                Observation(
                    case.case_id,
                    rule.indicator,
                    kind,
                    place.geo_level,
                    place.geo_code,
                    place.geo_name,
                    place.district_code,
                    add_months(first_month, offset * step),
                    value,
                    upper,
                    lower,
                    sample,
                    grain,
                )
            )
        self.cases.append(case)
        return case

    def observations(self) -> list[Observation]:
        return [o for case in self.cases for o in case.observations]


# ---------------------------------------------------------------------------------------------
# Generated cases


def scenario_districts(seeds: Seeds) -> tuple[Place, Place]:
    """(override district, plain district): two districts no shipped threshold row names; the
    test adds its own 一城一策 rows for the first and judges the shipped rows in the second."""
    named = {t.district for t in seeds.thresholds if t.district}
    free = [p for p in districts() if p.district_code not in named]
    return free[0], free[1]


def _outward(rule: Rule, value: float, fraction: float) -> float:
    step = fraction * max(abs(value), 1.0)
    return value + step if rule.direction == "high" else value - step


def most_severe(seeds: Seeds, rule: Rule, period: dt.date) -> Threshold:
    """The rule's city-wide row of the most severe level in force in `period`."""
    rows = [
        t
        for t in seeds.rule_thresholds(rule.rule_id)
        if t.district is None and valid(period, t.valid_from, t.valid_to)
    ]
    sign = 1 if rule.direction == "high" else -1
    return max(rows, key=lambda t: (seeds.severity[t.level], sign * t.value))


def least_severe(seeds: Seeds, rule: Rule, period: dt.date) -> Threshold:
    rows = [
        t
        for t in seeds.rule_thresholds(rule.rule_id)
        if t.district is None and valid(period, t.valid_from, t.valid_to)
    ]
    sign = 1 if rule.direction == "high" else -1
    return min(rows, key=lambda t: (seeds.severity[t.level], sign * t.value))


def with_overrides(seeds: Seeds, district: Place) -> tuple[Seeds, list[dict[str, str]]]:
    """The seeds plus, for every district-level rule, an override row in `district` for its most
    severe level, 10% further out than the city-wide row (so the order of levels holds) and in
    force a year after it (so the city-wide row judges the district before); returns the seeds as
    the test judges them and the CSV rows to append to alert_thresholds.csv."""
    added: list[Threshold] = []
    rows: list[dict[str, str]] = []
    for rule_id in dict.fromkeys(r.rule_id for r in seeds.rules if r.geo_level == "district"):
        rule = seeds.rule(rule_id)
        base = most_severe(seeds, rule, first_month_from(rule.valid_from))
        value = float(f"{_outward(rule, base.value, OVERRIDE_SHIFT):.6g}")
        start = add_months(first_month_from(base.valid_from), OVERRIDE_DELAY)
        added.append(
            Threshold(
                rule.rule_id,
                district.district_code,
                base.level,
                base.comparator,
                value,
                start,
                base.valid_to,
            )
        )
        rows.append(
            {
                "rule_id": rule.rule_id,
                "district_code": district.district_code or "",
                "level": base.level,
                "comparator": base.comparator,
                "threshold": f"{value:g}",
                "meaning_zh": "测试用一城一策",
                "meaning_en": "test override",
                "valid_from": start.isoformat(),
                "valid_to": base.valid_to.isoformat() if base.valid_to else "",
                "source": "tests/alerts/rule_cases.py",
            }
        )
    judged = Seeds(seeds.rules, seeds.thresholds + tuple(added), seeds.severity, seeds.level_zh)
    return judged, rows


def _bases(rule: Rule) -> list[tuple[float, float]]:
    if rule.basis == "pct_of_upper_bound":
        return [(upper, DEFAULT_LOWER) for upper in UPPER_BASES]
    if rule.basis == "pct_of_lower_bound":
        return [(DEFAULT_UPPER, lower) for lower in LOWER_BASES]
    return [(DEFAULT_UPPER, DEFAULT_LOWER)]


def boundary_cases(book: CaseBook, override: Place, plain: Place) -> list[Case]:
    """Every threshold row × base × place: just below, at and just above its effective
    threshold, held for the rule's persistence_months."""
    seeds, cases = book.seeds, []
    by_code = {p.district_code: p for p in districts()}
    for t in seeds.thresholds:
        rule = seeds.rule(t.rule_id)
        start = first_month_from(max(rule.valid_from, t.valid_from))
        if rule.geo_level != "district":
            places = [place_for(rule, None)]
        elif t.district:
            places = [by_code[t.district]]
        else:
            places = [plain, override]
        for place in places:
            for upper, lower in _bases(rule):
                at = effective(t, rule, upper, lower)
                assert at is not None
                step = RELATIVE_EPSILON * max(abs(at), 1.0)
                for name, value in (("below", at - step), ("at", at), ("above", at + step)):
                    label = (
                        f"{t.rule_id}[{t.district or 'all'}].{t.level} {t.comparator}{t.value:g}"
                        f" {name} {value:.6g} base={upper:g}/{lower:g} in {place.geo_code}"
                    )
                    values: list[float | None] = [value] * rule.persistence
                    cases.append(book.add(label, rule, values, start, place, upper, lower))
    return cases


def persistence_cases(book: CaseBook, plain: Place) -> list[Case]:
    """Rules needing n > 1 months: n in a row, n + 1 in a row, a run broken by one month at the
    threshold (or one month missing)."""
    seeds, cases = book.seeds, []
    for rule in seeds.rules:
        n = rule.persistence
        if n < 2:
            continue
        start = first_month_from(rule.valid_from)
        t = least_severe(seeds, rule, start)
        at = effective(t, rule, DEFAULT_UPPER, DEFAULT_LOWER)
        assert at is not None
        beyond = _outward(rule, at, RELATIVE_EPSILON)
        short = at if len(t.comparator) == 1 else _outward(rule, at, -RELATIVE_EPSILON)
        place = place_for(rule, plain)
        patterns: dict[str, list[float | None]] = {
            f"{n} in a row": [beyond] * n,
            f"{n + 1} in a row": [beyond] * (n + 1),
            f"{n - 1} in a row": [beyond] * (n - 1),
            "broken by one month short": [beyond] * (n - 1) + [short] + [beyond] * (n - 1),
            "broken by one month missing": [beyond] * (n - 1) + [None] + [beyond] * (n - 1),
        }
        for name, values in patterns.items():
            cases.append(
                book.add(f"{rule.rule_id} persistence: {name}", rule, values, start, place)
            )
    return cases


def sample_cases(book: CaseBook, plain: Place) -> list[Case]:
    """Rules with min_sample > 1: a value well beyond the most severe threshold with one unit
    less than the minimum sample, and with exactly the minimum."""
    seeds, cases = book.seeds, []
    for rule in seeds.rules:
        if rule.min_sample <= 1:
            continue
        start = first_month_from(rule.valid_from)
        at = effective(most_severe(seeds, rule, start), rule, DEFAULT_UPPER, DEFAULT_LOWER)
        assert at is not None
        values: list[float | None] = [_outward(rule, at, 0.1)] * rule.persistence
        place = place_for(rule, plain)
        for sample in (rule.min_sample - 1, rule.min_sample):
            label = f"{rule.rule_id} sample {sample:g} (min {rule.min_sample:g})"
            cases.append(book.add(label, rule, values, start, place, sample=sample))
    return cases


def validity_cases(book: CaseBook, plain: Place) -> list[Case]:
    """A value beyond the most severe city-wide threshold but short of the test's override
    (OVERRIDE_SHIFT / 2 out), held for the rule's persistence, ending the month before the rule
    (or a later threshold row) takes effect, and starting the month it does."""
    seeds, cases = book.seeds, []
    by_code = {p.district_code: p for p in districts()}
    for rule in seeds.rules:
        n = rule.persistence
        start = first_month_from(rule.valid_from)
        at = effective(most_severe(seeds, rule, start), rule, DEFAULT_UPPER, DEFAULT_LOWER)
        assert at is not None
        values: list[float | None] = [_outward(rule, at, OVERRIDE_SHIFT / 2)] * n
        starts = {"rule": (start, place_for(rule, plain))}
        for t in seeds.rule_thresholds(rule.rule_id):
            if t.valid_from > rule.valid_from:
                place = by_code[t.district] if t.district else place_for(rule, plain)
                starts[f"{t.level} row of {place.geo_code}"] = (
                    first_month_from(t.valid_from),
                    place,
                )
        for what, (first, place) in starts.items():
            before = add_months(first, -n)
            cases.append(book.add(f"{rule.rule_id} before the {what}", rule, values, before, place))
            cases.append(book.add(f"{rule.rule_id} from the {what}", rule, values, first, place))
    return cases
