"""Check the alert configuration (seeds alert_indicators, alert_rules, alert_thresholds,
alert_levels) before a build.

A broken configuration must fail the build with a message naming the file and the row (1-based
data row, header = row 0), never fall back to a silent default: an unknown rule, district, level
or comparator, thresholds out of order for the rule's direction, or two rows valid at once for
the same rule × district × level.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from core.errors import UserError
from core.seeds import (
    SEEDS_DIR,
    SeedRow,
    number_of,
    overlaps,
    read_seed,
    span,
    validity_of,
)
from ingest.geography import DEFAULT_CITY, gazetteer

RULES_FILE = "alert_rules.csv"
THRESHOLDS_FILE = "alert_thresholds.csv"
LEVELS_FILE = "alert_levels.csv"
INDICATORS_FILE = "alert_indicators.csv"


class Indicator(NamedTuple):
    """An indicator of int_alerts__observations (a row of alert_indicators): the model it is
    read from, the geography levels it is observed at, the kind of entity it judges (the
    alert_observation kind) and its period grain (month, or year for the yearly 租售比 and
    房价收入比)."""

    model: str
    geo_levels: frozenset[str]
    entity: str
    grain: str = "month"
    row: SeedRow | None = None


# The alert indicator registry (seed alert_indicators): what int_alerts__observations computes.
# A new indicator needs SQL there and a row in the seed.
INDICATOR_COLUMNS = (
    "indicator", "indicator_zh", "indicator_en", "unit_zh", "unit_en", "display_decimals",
    "source_model", "entity_type", "geo_levels", "period_grain", "evidence", "assessment_item",
    "valid_from", "source",
)  # fmt: skip
ENTITY_KINDS = ("area", "institution", "parcel", "project", "buyer", "developer", "source")
GEO_LEVELS = ("city", "urban", "district")
GRAINS = ("month", "year")
# What fct_alert_evidence lists behind an indicator's alerts (besides the alert's own entity).
EVIDENCE = (
    "escrow_permits",
    "filed_price_contracts", "flip_resales", "window_purchases", "failed_parcels",
    "withheld_projects",
)  # fmt: skip
# Indicator columns alert_rules repeats per rule; they must agree with the registry.
REPEATED_COLUMNS = (
    "indicator_zh", "indicator_en", "unit_zh", "unit_en", "display_decimals", "source_model",
)  # fmt: skip


def read_indicators(seeds_dir: Path) -> dict[str, Indicator]:
    """The registry, checked: one row per indicator with a known entity kind, levels and grain."""
    indicators: dict[str, Indicator] = {}
    for row in read_seed(seeds_dir, INDICATORS_FILE, INDICATOR_COLUMNS):
        code = row.get("indicator")
        if not code or code in indicators:
            raise row.fail(f"indicator '{code}' is empty or repeated")
        entity, grain = row.get("entity_type"), row.get("period_grain")
        levels = frozenset(filter(None, row.get("geo_levels").split(";")))
        if entity not in ENTITY_KINDS:
            raise row.fail(f"unknown entity_type '{entity}' ({', '.join(ENTITY_KINDS)})")
        if not levels or not levels <= set(GEO_LEVELS):
            raise row.fail(
                f"geo_levels '{row.get('geo_levels')}' must be some of {', '.join(GEO_LEVELS)}"
                " separated by ;"
            )
        if grain not in GRAINS:
            raise row.fail(f"unknown period_grain '{grain}' (month or year)")
        if row.get("evidence") and row.get("evidence") not in EVIDENCE:
            raise row.fail(f"unknown evidence '{row.get('evidence')}' ({', '.join(EVIDENCE)})")
        number_of(row, "display_decimals")
        validity_of(row)
        indicators[code] = Indicator(row.get("source_model"), levels, entity, grain, row)
    return indicators


INDICATORS: dict[str, Indicator] = read_indicators(SEEDS_DIR)  # the shipped registry
DIRECTIONS = {"high": (">", ">="), "low": ("<", "<=")}
BASES = ("absolute", "pct_of_upper_bound", "pct_of_lower_bound")
COMPARATORS = (">", ">=", "<", "<=")

RULE_COLUMNS = (
    "rule_id", "rule_family", "name_zh", "name_en", "indicator", "indicator_zh", "indicator_en",
    "unit_zh", "unit_en", "display_decimals", "source_model", "geo_level", "direction",
    "threshold_basis", "persistence_months", "min_sample", "overridden_by", "valid_from",
    "valid_to", "source",
)  # fmt: skip
THRESHOLD_COLUMNS = (
    "rule_id", "district_code", "level", "comparator", "threshold", "meaning_zh", "meaning_en",
    "valid_from", "valid_to", "source",
)  # fmt: skip
LEVEL_COLUMNS = (
    "level", "level_zh", "level_en", "severity", "raises_alert", "colour_hex", "valid_from",
    "source",
)  # fmt: skip


@dataclass(frozen=True)
class _Threshold:
    row: SeedRow
    rule_id: str
    district: str  # "" = every district
    level: str
    comparator: str
    value: float
    valid_from: dt.date
    valid_to: dt.date


def _levels(seeds_dir: Path) -> dict[str, int]:
    """Severity of the levels a threshold may use (green, raises_alert false, is shown but
    never alerts)."""
    severity: dict[str, int] = {}
    seen: set[str] = set()
    for row in read_seed(seeds_dir, LEVELS_FILE, LEVEL_COLUMNS):
        level = row.get("level")
        if not level or level in seen:
            raise row.fail(f"level '{level}' is empty or repeated")
        seen.add(level)
        if row.get("raises_alert") not in ("true", "false"):
            raise row.fail(f"raises_alert '{row.get('raises_alert')}' is not true or false")
        if not re.fullmatch(r"#[0-9a-f]{6}", row.get("colour_hex")):
            raise row.fail(f"colour_hex '{row.get('colour_hex')}' is not #rrggbb (lower case)")
        if row.get("raises_alert") == "true":
            severity[level] = int(number_of(row, "severity"))
        validity_of(row)
    return severity


def _rules(seeds_dir: Path) -> dict[str, list[tuple[SeedRow, tuple[dt.date, dt.date]]]]:
    indicators = read_indicators(seeds_dir)
    rules: dict[str, list[tuple[SeedRow, tuple[dt.date, dt.date]]]] = {}
    for row in read_seed(seeds_dir, RULES_FILE, RULE_COLUMNS):
        rule_id, indicator = row.get("rule_id"), row.get("indicator")
        if not rule_id:
            raise row.fail("rule_id is empty")
        if indicator not in indicators:
            raise row.fail(f"unknown indicator '{indicator}' (known: {', '.join(indicators)})")
        model, geo_levels = indicators[indicator].model, indicators[indicator].geo_levels
        if row.get("source_model") != model:
            raise row.fail(
                f"indicator {indicator} comes from {model}, not '{row.get('source_model')}'"
            )
        registered = indicators[indicator].row
        for column in REPEATED_COLUMNS:
            if registered is not None and row.get(column) != registered.get(column):
                raise row.fail(
                    f"{column} '{row.get(column)}' differs from indicator {indicator}'s"
                    f" '{registered.get(column)}' in {INDICATORS_FILE}"
                )
        if row.get("geo_level") not in geo_levels:
            raise row.fail(
                f"indicator {indicator} is not observed at geo_level '{row.get('geo_level')}'"
                f" (only {', '.join(sorted(geo_levels))})"
            )
        if row.get("direction") not in DIRECTIONS:
            raise row.fail(f"unknown direction '{row.get('direction')}' (high or low)")
        if row.get("threshold_basis") not in BASES:
            raise row.fail(
                f"unknown threshold_basis '{row.get('threshold_basis')}' ({', '.join(BASES)})"
            )
        if number_of(row, "persistence_months") < 1 or number_of(row, "min_sample") < 0:
            raise row.fail("persistence_months must be ≥ 1 and min_sample ≥ 0")
        valid = validity_of(row)
        for other, other_valid in rules.get(rule_id, []):
            if overlaps(valid, other_valid):
                raise row.fail(
                    f"rule {rule_id} valid {span(valid)} overlaps row {other.number}"
                    f" ({span(other_valid)})"
                )
        rules.setdefault(rule_id, []).append((row, valid))
    families = {row.get("rule_family") for versions in rules.values() for row, _ in versions}
    for versions in rules.values():
        for row, _ in versions:
            for family in filter(None, row.get("overridden_by").split(";")):
                if family not in families:
                    raise row.fail(f"overridden_by names unknown rule_family '{family}'")
                if family == row.get("rule_family"):
                    raise row.fail(f"rule_family {family} cannot override itself")
    return rules


def _more_extreme(a: _Threshold, b: _Threshold, direction: str) -> bool:
    """a is strictly beyond b on the rule's bad side (at equal values, a strict comparator is)."""
    if a.value != b.value:
        return a.value > b.value if direction == "high" else a.value < b.value
    return len(a.comparator) == 1 and len(b.comparator) == 2


def validate_alert_config(seeds_dir: Path) -> None:
    """Raise UserError naming the file and row of the first configuration mistake found."""
    severity = _levels(seeds_dir)
    rules = _rules(seeds_dir)
    geography = gazetteer(DEFAULT_CITY)
    districts = {d.code for d in geography.districts} if geography else set()

    thresholds: list[_Threshold] = []
    for row in read_seed(seeds_dir, THRESHOLDS_FILE, THRESHOLD_COLUMNS):
        rule_id, district = row.get("rule_id"), row.get("district_code")
        level, comparator = row.get("level"), row.get("comparator")
        if rule_id not in rules:
            raise row.fail(f"unknown rule_id '{rule_id}' (not in {RULES_FILE})")
        if district and district not in districts:
            raise row.fail(f"unknown district_code '{district}' (not a district of {DEFAULT_CITY})")
        if level not in severity:
            raise row.fail(f"unknown level '{level}' (known: {', '.join(severity)})")
        if comparator not in COMPARATORS:
            raise row.fail(f"unknown comparator '{comparator}' (>, >=, < or <=)")
        direction = rules[rule_id][0][0].get("direction")
        if comparator not in DIRECTIONS[direction]:
            raise row.fail(
                f"comparator '{comparator}' does not fit rule {rule_id}"
                f", whose direction is {direction}"
                f" (use {' or '.join(DIRECTIONS[direction])})"
            )
        value = number_of(row, "threshold")
        valid = validity_of(row)
        current = _Threshold(row, rule_id, district, level, comparator, value, *valid)
        for other in thresholds:
            same = (other.rule_id, other.district, other.level) == (rule_id, district, level)
            if same and overlaps(valid, (other.valid_from, other.valid_to)):
                scope = f"district {district}" if district else "all districts"
                raise row.fail(
                    f"{rule_id} × {scope} × {level} valid {span(valid)} overlaps row"
                    f" {other.row.number} ({span((other.valid_from, other.valid_to))})"
                )
        thresholds.append(current)

    _check_order(thresholds, rules, severity)


def _applies_together(a: _Threshold, b: _Threshold, thresholds: list[_Threshold]) -> bool:
    """Both rows can judge the same district in the same month (an override replaces the
    city-wide row of its own level only)."""
    if not overlaps((a.valid_from, a.valid_to), (b.valid_from, b.valid_to)):
        return False
    if a.district == b.district:
        return True
    default, override = (a, b) if not a.district else (b, a)
    if default.district:
        return False  # two different districts
    return not any(
        t.rule_id == default.rule_id
        and t.district == override.district
        and t.level == default.level
        for t in thresholds
    )


def _check_order(
    thresholds: list[_Threshold],
    rules: dict[str, list[tuple[SeedRow, tuple[dt.date, dt.date]]]],
    severity: dict[str, int],
) -> None:
    for i, later in enumerate(thresholds):
        direction = rules[later.rule_id][0][0].get("direction")
        for earlier in thresholds[:i]:
            if earlier.rule_id != later.rule_id or severity[earlier.level] == severity[later.level]:
                continue
            if not _applies_together(earlier, later, thresholds):
                continue
            severe, mild = (
                (earlier, later)
                if severity[earlier.level] > severity[later.level]
                else (later, earlier)
            )
            if not _more_extreme(severe, mild, direction):
                raise later.row.fail(
                    f"thresholds out of order for rule {later.rule_id} ({direction}):"
                    f" {severe.level} ({severe.comparator} {severe.value:g}) must be beyond"
                    f" {mild.level} ({mild.comparator} {mild.value:g}) of row {earlier.row.number}"
                )


def main() -> None:
    """`python -m pipeline.seedchecks.alerts [seeds_dir]`: validate, print OK or the error."""
    import sys

    seeds = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
    )
    try:
        validate_alert_config(seeds)
    except UserError as error:
        print(f"Error: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    print(f"alert configuration in {seeds} is valid")


if __name__ == "__main__":
    main()
