"""Check the regional flex of the bank concentration caps (policy_bank_concentration_flex) before
a build.

银发〔2020〕322号 lets the PBoC branch move the tier 3–5 caps by at most 2.5 pp for its region;
the bound per tier is the caps seed's regional_flex_pp (0 for tiers 1–2). A row beyond it, on a
tier without flex, for a region other than the city or its province, or overlapping another row
for the same region and tier fails the build naming the file and row, as the alert seeds do.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from core.seeds import SeedRow, number_of, overlaps, read_seed, span, validity_of
from ingest.geography import DEFAULT_CITY

CAPS_FILE = "policy_bank_concentration_caps.csv"
FLEX_FILE = "policy_bank_concentration_flex.csv"
CAP_COLUMNS = ("bank_tier", "re_loan_cap_pct", "personal_housing_cap_pct", "regional_flex_pp",
               "valid_from", "source")  # fmt: skip
FLEX_COLUMNS = ("region_code", "bank_tier", "re_loan_flex_pp", "personal_housing_flex_pp",
                "valid_from", "valid_to", "source")  # fmt: skip
FLEX_MEASURES = ("re_loan_flex_pp", "personal_housing_flex_pp")


def _tier(row: SeedRow) -> int:
    value = number_of(row, "bank_tier")
    if value != int(value):
        raise row.fail(f"bank_tier '{row.get('bank_tier')}' is not a whole number")
    return int(value)


def _allowed_flex(seeds_dir: Path) -> dict[int, list[tuple[dt.date, float]]]:
    """Per tier, (valid_from, largest flex in pp) of each caps row, oldest first."""
    allowed: dict[int, list[tuple[dt.date, float]]] = {}
    for row in read_seed(seeds_dir, CAPS_FILE, CAP_COLUMNS):
        bound = number_of(row, "regional_flex_pp")
        if bound < 0:
            raise row.fail(f"regional_flex_pp {bound:g} is negative (it is a ± bound)")
        start, _ = validity_of(row)
        allowed.setdefault(_tier(row), []).append((start, bound))
    return {tier: sorted(rows) for tier, rows in allowed.items()}


def _bound_on(row: SeedRow, tier: int, day: dt.date, allowed: dict) -> float:
    in_force = [bound for start, bound in allowed.get(tier, []) if start <= day]
    if not in_force:
        raise row.fail(f"no cap for tier {tier} in force on {day} (see {CAPS_FILE})")
    return in_force[-1]


def validate_concentration_flex(seeds_dir: Path, city: str = DEFAULT_CITY) -> None:
    """Raise UserError naming the file and row of the first flex outside what the tier allows."""
    allowed = _allowed_flex(seeds_dir)
    regions = {city, f"{city[:2]}0000"}
    seen: list[tuple[SeedRow, str, int, tuple[dt.date, dt.date]]] = []
    for row in read_seed(seeds_dir, FLEX_FILE, FLEX_COLUMNS):
        region, tier = row.get("region_code"), _tier(row)
        if region not in regions:
            raise row.fail(
                f"region_code '{region}' is neither the city {city} nor its province {city[:2]}0000"
            )
        valid = validity_of(row)
        bound = _bound_on(row, tier, valid[0], allowed)
        for measure in FLEX_MEASURES:
            value = number_of(row, measure)
            if bound == 0:
                raise row.fail(
                    f"tier {tier} caps take no regional flex ({CAPS_FILE} regional_flex_pp = 0);"
                    f" only tiers with a flex bound may have rows (found {measure} {value:g})"
                )
            if abs(value) > bound:
                raise row.fail(
                    f"{measure} {value:g} is outside ±{bound:g} pp allowed for tier {tier}"
                    f" ({CAPS_FILE} regional_flex_pp)"
                )
        for other, other_region, other_tier, other_valid in seen:
            if (other_region, other_tier) == (region, tier) and overlaps(valid, other_valid):
                raise row.fail(
                    f"region {region} × tier {tier} valid {span(valid)} overlaps row"
                    f" {other.number} ({span(other_valid)})"
                )
        seen.append((row, region, tier, valid))
