"""The alert configuration check: every mistake fails with one line naming the file and row
(1-based data row, header = row 0), and the shipped seeds pass."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from core.errors import UserError
from pipeline.seedchecks.alerts import validate_alert_config

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
FILES = ("alert_indicators.csv", "alert_rules.csv", "alert_thresholds.csv", "alert_levels.csv")


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    for name in FILES:
        shutil.copy(SEEDS / name, tmp_path / name)
    return tmp_path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _edit(seeds: Path, name: str, row: int, **changes: str) -> None:
    """Change data row `row` (1-based) of a seed."""
    rows = _rows(seeds / name)
    rows[row - 1].update(changes)
    _write(seeds / name, rows)


def _append(seeds: Path, name: str, like: int, **changes: str) -> int:
    """Append a copy of data row `like` with changes; returns the new row's number."""
    rows = _rows(seeds / name)
    rows.append({**rows[like - 1], **changes})
    _write(seeds / name, rows)
    return len(rows)


def _row_of(seeds: Path, name: str, **match: str) -> int:
    rows = _rows(seeds / name)
    return next(i for i, r in enumerate(rows, 1) if all(r[k] == v for k, v in match.items()))


def _fails(seeds: Path, message: str) -> None:
    with pytest.raises(UserError) as caught:
        validate_alert_config(seeds)
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


def test_shipped_alert_configuration_is_valid():
    validate_alert_config(SEEDS)


def test_unknown_rule_id_in_thresholds_names_file_and_row(seeds):
    row = _append(seeds, "alert_thresholds.csv", 1, rule_id="no_such_rule")
    _fails(
        seeds,
        f"alert_thresholds.csv row {row}: unknown rule_id 'no_such_rule' (not in alert_rules.csv)",
    )


def test_unknown_district_code_in_an_override(seeds):
    row = _append(seeds, "alert_thresholds.csv", 1, district_code="320699")
    _fails(
        seeds,
        f"alert_thresholds.csv row {row}: unknown district_code '320699'"
        " (not a district of 320600)",
    )


def test_unknown_level(seeds):
    _edit(seeds, "alert_thresholds.csv", 2, level="green")
    _fails(
        seeds,
        "alert_thresholds.csv row 2: unknown level 'green'"
        " (known: red, orange, yellow, light_blue, blue)",
    )


def test_a_level_colour_is_a_hex_code(seeds):
    _edit(seeds, "alert_levels.csv", 1, colour_hex="red")
    _fails(seeds, "alert_levels.csv row 1: colour_hex 'red' is not #rrggbb (lower case)")


def test_raises_alert_is_true_or_false(seeds):
    _edit(seeds, "alert_levels.csv", 4, raises_alert="maybe")
    _fails(seeds, "alert_levels.csv row 4: raises_alert 'maybe' is not true or false")


def test_a_rule_repeats_its_indicator_as_registered(seeds):
    _edit(seeds, "alert_rules.csv", 1, unit_zh="月")
    _fails(
        seeds,
        "alert_rules.csv row 1: unit_zh '月' differs from indicator months_of_supply_12m's"
        " '个月' in alert_indicators.csv",
    )


def test_a_registered_indicator_judges_a_known_entity(seeds):
    _edit(seeds, "alert_indicators.csv", 2, entity_type="bank")
    _fails(
        seeds,
        "alert_indicators.csv row 2: unknown entity_type 'bank'"
        " (area, institution, parcel, project, buyer, developer, source)",
    )


def test_an_indicator_missing_from_the_registry_is_unknown(seeds):
    rows = [
        r for r in _rows(seeds / "alert_indicators.csv") if r["indicator"] != "rent_vs_guide_pct"
    ]
    _write(seeds / "alert_indicators.csv", rows)
    with pytest.raises(
        UserError, match=r"^alert_rules.csv row 22: unknown indicator 'rent_vs_guide_pct'"
    ):
        validate_alert_config(seeds)


def test_unknown_comparator(seeds):
    _edit(seeds, "alert_thresholds.csv", 3, comparator="=>")
    _fails(seeds, "alert_thresholds.csv row 3: unknown comparator '=>' (>, >=, < or <=)")


def test_comparator_against_the_rules_direction(seeds):
    row = _row_of(seeds, "alert_thresholds.csv", rule_id="months_of_supply_low", level="red")
    _edit(seeds, "alert_thresholds.csv", row, comparator=">")
    _fails(
        seeds,
        f"alert_thresholds.csv row {row}: comparator '>' does not fit rule months_of_supply_low"
        ", whose direction is low (use < or <=)",
    )


def test_thresholds_out_of_order_for_a_low_rule(seeds):
    red = _row_of(seeds, "alert_thresholds.csv", rule_id="months_of_supply_low", level="red")
    yellow = _row_of(seeds, "alert_thresholds.csv", rule_id="months_of_supply_low", level="yellow")
    _edit(seeds, "alert_thresholds.csv", yellow, threshold="5")
    _fails(
        seeds,
        f"alert_thresholds.csv row {yellow}: thresholds out of order for rule"
        f" months_of_supply_low (low): red (< 6) must be beyond yellow (< 5) of row {red}",
    )


def test_thresholds_out_of_order_for_a_high_rule(seeds):
    red = _row_of(seeds, "alert_thresholds.csv", rule_id="bank_re_loan_concentration", level="red")
    yellow = red + 1
    _edit(seeds, "alert_thresholds.csv", yellow, threshold="100", comparator=">")
    _fails(
        seeds,
        f"alert_thresholds.csv row {yellow}: thresholds out of order for rule"
        f" bank_re_loan_concentration (high): red (> 100) must be beyond yellow (> 100)"
        f" of row {red}",
    )


def test_a_district_override_is_checked_against_the_city_wide_levels(seeds):
    red = _row_of(seeds, "alert_thresholds.csv", rule_id="months_of_supply_low", level="red")
    yellow = _row_of(seeds, "alert_thresholds.csv", rule_id="months_of_supply_low", level="yellow")
    _append(seeds, "alert_thresholds.csv", red, district_code="320602", threshold="8")
    validate_alert_config(seeds)  # 崇川 red below 8 months, yellow still below 12: in order
    row = _append(seeds, "alert_thresholds.csv", red, district_code="320612", threshold="13")
    _fails(
        seeds,
        f"alert_thresholds.csv row {row}: thresholds out of order for rule"
        f" months_of_supply_low (low): red (< 13) must be beyond yellow (< 12) of row {yellow}",
    )


def test_overlapping_validity_for_the_same_rule_district_and_level(seeds):
    red = _row_of(seeds, "alert_thresholds.csv", rule_id="months_of_supply_low", level="red")
    row = _append(seeds, "alert_thresholds.csv", red, threshold="5", valid_from="2020-01-01")
    _fails(
        seeds,
        f"alert_thresholds.csv row {row}: months_of_supply_low × all districts × red valid"
        f" 2020-01-01.. overlaps row {red} (2017-04-01..)",
    )


def test_consecutive_validity_periods_do_not_overlap(seeds):
    red = _row_of(seeds, "alert_thresholds.csv", rule_id="months_of_supply_low", level="red")
    _edit(seeds, "alert_thresholds.csv", red, valid_to="2019-12-31")
    _append(seeds, "alert_thresholds.csv", red, threshold="5", valid_from="2020-01-01", valid_to="")
    validate_alert_config(seeds)


def test_overlapping_validity_of_a_rule(seeds):
    row = _append(seeds, "alert_rules.csv", 1, valid_from="2020-01-01")
    _fails(
        seeds,
        f"alert_rules.csv row {row}: rule months_of_supply_high valid 2020-01-01.. overlaps row 1"
        " (2017-04-01..)",
    )


def test_unknown_indicator_in_rules(seeds):
    _edit(seeds, "alert_rules.csv", 2, indicator="months_of_supply_99m")
    with pytest.raises(UserError, match=r"^alert_rules.csv row 2: unknown indicator"):
        validate_alert_config(seeds)


def test_a_row_without_source_is_refused(seeds):
    _edit(seeds, "alert_thresholds.csv", 1, source="")
    _fails(
        seeds,
        "alert_thresholds.csv row 1: source is empty (every configuration row names its source)",
    )
