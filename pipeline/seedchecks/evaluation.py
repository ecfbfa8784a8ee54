"""Check the evaluation and assessment configuration (seeds evaluation_indicators,
evaluation_score_bands, evaluation_health_bands, assessment_items) before a build.

A broken file must fail the build with a message naming the file and row (1-based data row,
header = row 0): the weights of the indicators in force on any day must sum to 1, every
indicator needs score bands, limits must be numbers with a known basis, validity periods of the
same key must not overlap, and every row names its source.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from core.errors import UserError
from core.seeds import (
    OPEN_END,
    SeedRow,
    Validity,
    number_of,
    overlaps,
    read_seed,
    validity_of,
)

INDICATORS_FILE = "evaluation_indicators.csv"
BANDS_FILE = "evaluation_score_bands.csv"
HEALTH_FILE = "evaluation_health_bands.csv"
ITEMS_FILE = "assessment_items.csv"

# Indicators int_evaluation__observations computes, with the mart each is read from. A new
# indicator needs SQL there and a line here.
INDICATORS: dict[str, str] = {
    "new_home_yoy_vs_control": "fct_price_indices",
    "new_home_qoq_momentum": "fct_price_indices",
    "months_of_supply": "fct_housing_supply",
    "new_home_volume_yoy": "fct_new_home_sales",
    "resale_yoy_vs_control": "fct_price_indices",
    "land_premium_rate": "fct_land_market",
    "red_orange_alerts": "fct_alerts",
}
# Assessment items fct_district_assessment_items implements.
ITEMS = (
    "new_home_index_control",
    "resale_index_control",
    "land_price_cap",
    "supply_months_of_supply",
    "plan_table1",
)
DIRECTIONS = ("two_sided", "high_is_risk", "low_is_risk")
BASES = ("absolute", "pct_of_target_min", "pct_of_target_max")
SCORES = (1, 2, 3)
WEIGHT_TOLERANCE = 1e-9

INDICATOR_COLUMNS = (
    "indicator_code", "name_zh", "name_en", "unit_zh", "unit_en", "display_decimals",
    "source_model", "weight", "direction", "sort_order", "valid_from", "valid_to", "source",
)  # fmt: skip
BAND_COLUMNS = (
    "indicator_code", "score", "band_code", "band_label_zh", "band_label_en", "lower_limit",
    "lower_basis", "upper_limit", "upper_basis", "valid_from", "valid_to", "source",
)  # fmt: skip
HEALTH_COLUMNS = (
    "health_code", "label_zh", "label_en", "min_score", "max_score", "valid_from", "valid_to",
    "source",
)  # fmt: skip
ITEM_COLUMNS = ("item_code", "name_zh", "name_en", "geo_level", "valid_from", "valid_to", "source")


def _no_overlap(rows: list[tuple[SeedRow, Validity]], key: str) -> None:
    for i, (row, valid) in enumerate(rows):
        for other, other_valid in rows[:i]:
            if other.get(key) == row.get(key) and overlaps(valid, other_valid):
                raise row.fail(f"{key} '{row.get(key)}' overlaps row {other.number} in validity")


def _indicators(seeds_dir: Path) -> list[tuple[SeedRow, Validity]]:
    rows: list[tuple[SeedRow, Validity]] = []
    for row in read_seed(seeds_dir, INDICATORS_FILE, INDICATOR_COLUMNS):
        code = row.get("indicator_code")
        if code not in INDICATORS:
            raise row.fail(f"unknown indicator_code '{code}' (known: {', '.join(INDICATORS)})")
        if row.get("source_model") != INDICATORS[code]:
            raise row.fail(
                f"indicator {code} comes from {INDICATORS[code]}, not '{row.get('source_model')}'"
            )
        weight = number_of(row, "weight")
        if weight is None or not 0 < weight <= 1:
            raise row.fail(f"weight {row.get('weight')} must be in (0, 1]")
        if row.get("direction") not in DIRECTIONS:
            raise row.fail(f"unknown direction '{row.get('direction')}' ({', '.join(DIRECTIONS)})")
        rows.append((row, validity_of(row)))
    _no_overlap(rows, "indicator_code")
    _check_weights(rows)
    return rows


def _check_weights(rows: list[tuple[SeedRow, Validity]]) -> None:
    """On every day some indicator starts or stops, the weights in force must sum to 1."""
    days = {valid[0] for _, valid in rows} | {
        valid[1] + dt.timedelta(days=1) for _, valid in rows if valid[1] != OPEN_END
    }
    for day in sorted(days):
        in_force = [row for row, valid in rows if valid[0] <= day <= valid[1]]
        if not in_force:
            continue
        total = sum(float(row.get("weight")) for row in in_force)
        if abs(total - 1) > WEIGHT_TOLERANCE:
            numbers = ", ".join(str(row.number) for row in in_force)
            raise UserError(
                f"{INDICATORS_FILE} rows {numbers}: the weights of the indicators in force on"
                f" {day} sum to {total:.4g}, not 1"
            )


def _bands(seeds_dir: Path, indicators: list[tuple[SeedRow, Validity]]) -> None:
    known = {row.get("indicator_code") for row, _ in indicators}
    covered: set[str] = set()
    for row in read_seed(seeds_dir, BANDS_FILE, BAND_COLUMNS):
        code = row.get("indicator_code")
        if code not in known:
            raise row.fail(f"indicator_code '{code}' is not in {INDICATORS_FILE}")
        score = number_of(row, "score")
        if score not in SCORES:
            raise row.fail(f"score '{row.get('score')}' must be one of 1, 2, 3")
        limits = []
        for side in ("lower", "upper"):
            limit = number_of(row, f"{side}_limit", required=False)
            basis = row.get(f"{side}_basis")
            if limit is not None and basis not in BASES:
                raise row.fail(f"{side}_basis '{basis}' is not one of {', '.join(BASES)}")
            limits.append((limit, basis))
        (lower, lower_basis), (upper, upper_basis) = limits
        if lower is None and upper is None:
            raise row.fail("a band needs a lower_limit, an upper_limit or both")
        if (
            lower is not None
            and upper is not None
            and lower_basis == upper_basis
            and lower >= upper
        ):
            raise row.fail(f"lower_limit {lower:g} is not below upper_limit {upper:g}")
        validity_of(row)
        covered.add(code)
    for row, _ in indicators:
        if row.get("indicator_code") not in covered:
            raise row.fail(
                f"indicator {row.get('indicator_code')} has no score bands in {BANDS_FILE}"
            )


def _health(seeds_dir: Path) -> None:
    rows: list[tuple[SeedRow, Validity, float, float]] = []
    for row in read_seed(seeds_dir, HEALTH_FILE, HEALTH_COLUMNS):
        if not row.get("health_code") or not row.get("label_zh") or not row.get("label_en"):
            raise row.fail("health_code, label_zh and label_en must all be filled in")
        low = number_of(row, "min_score", required=False)
        high = number_of(row, "max_score", required=False)
        low, high = (
            (float("-inf") if low is None else low),
            (float("inf") if high is None else high),
        )
        if low >= high:
            raise row.fail(f"min_score {low:g} is not below max_score {high:g}")
        valid = validity_of(row)
        for other, other_valid, other_low, other_high in rows:
            if overlaps(valid, other_valid) and low < other_high and other_low < high:
                raise row.fail(f"score range overlaps row {other.number}")
        rows.append((row, valid, low, high))


def _items(seeds_dir: Path) -> None:
    rows: list[tuple[SeedRow, Validity]] = []
    for row in read_seed(seeds_dir, ITEMS_FILE, ITEM_COLUMNS):
        if row.get("item_code") not in ITEMS:
            raise row.fail(
                f"unknown item_code '{row.get('item_code')}' (known: {', '.join(ITEMS)})"
            )
        if row.get("geo_level") not in ("district", "urban"):
            raise row.fail(f"geo_level '{row.get('geo_level')}' must be district or urban")
        rows.append((row, validity_of(row)))
    _no_overlap(rows, "item_code")


def validate_evaluation_config(seeds_dir: Path) -> None:
    """Raise UserError naming the file and row of the first configuration mistake found."""
    indicators = _indicators(seeds_dir)
    _bands(seeds_dir, indicators)
    _health(seeds_dir)
    _items(seeds_dir)
