"""The evaluation configuration fails the build, naming the file and rows, before dbt runs:
weights that do not sum to 1, a band with an unknown basis, an unknown indicator."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

import pipeline.build as pipeline_build
from core.errors import UserError
from core.settings import paths
from pipeline.seedchecks.evaluation import validate_evaluation_config

SEEDS = pipeline_build.PROJECT_DIR / "seeds"


def _edit(path: Path, key: str, value: str, column: str, new: str) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    hits = [row for row in rows if row[key] == value]
    assert hits, f"no row {key}={value} in {path.name}"
    hits[0][column] = new
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "dbt_project"
    shutil.copytree(pipeline_build.PROJECT_DIR, copy, ignore=shutil.ignore_patterns("target"))
    monkeypatch.setattr(pipeline_build, "PROJECT_DIR", copy)
    return copy


def test_shipped_configuration_is_valid():
    validate_evaluation_config(SEEDS)


def test_shipped_weights_sum_to_one():
    with (SEEDS / "evaluation_indicators.csv").open(encoding="utf-8") as handle:
        weights = [float(row["weight"]) for row in csv.DictReader(handle) if not row["valid_to"]]
    assert sum(weights) == pytest.approx(1.0)


def test_weights_not_summing_to_one_fail_the_build_naming_file_and_rows(project, tmp_path):
    _edit(
        project / "seeds" / "evaluation_indicators.csv",
        "indicator_code",
        "land_premium_rate",
        "weight",
        "0.15",
    )
    with pytest.raises(UserError) as error:
        pipeline_build.build(paths(tmp_path / "home"))  # fails in validation, before dbt
    message = str(error.value)
    assert message.startswith("evaluation_indicators.csv rows 1, 2, 3, 4, 5, 6, 7:")
    assert "in force on 2016-01-01 sum to 1.05, not 1" in message


def test_a_new_indicator_period_must_keep_the_sum(project):
    """Ending an indicator on 2023-12-31 without giving its weight to another breaks 2024-01-01."""
    _edit(
        project / "seeds" / "evaluation_indicators.csv",
        "indicator_code",
        "red_orange_alerts",
        "valid_to",
        "2023-12-31",
    )
    with pytest.raises(
        UserError, match=r"rows 1, 2, 3, 4, 5, 6: .* on 2024-01-01 sum to 0\.9, not 1"
    ):
        validate_evaluation_config(project / "seeds")


def test_band_with_unknown_basis_names_its_row(project):
    _edit(
        project / "seeds" / "evaluation_score_bands.csv",
        "band_code",
        "steady",
        "lower_basis",
        "percent",
    )
    with pytest.raises(
        UserError, match=r"^evaluation_score_bands\.csv row 5: lower_basis 'percent'"
    ):
        validate_evaluation_config(project / "seeds")


def test_unknown_indicator_names_its_row(project):
    _edit(
        project / "seeds" / "evaluation_indicators.csv",
        "indicator_code",
        "months_of_supply",
        "indicator_code",
        "rent_yield",
    )
    with pytest.raises(
        UserError, match=r"^evaluation_indicators\.csv row 3: unknown indicator_code 'rent_yield'"
    ):
        validate_evaluation_config(project / "seeds")
