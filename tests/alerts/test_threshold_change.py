"""Analysts change thresholds without code: a changed alert_thresholds row, rebuilt, changes
fct_alerts. The dbt project is copied so the shipped seeds stay untouched."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

import pipeline.build as pipeline_build
from core.settings import paths
from pipeline.load import load
from pipeline.seedchecks.alerts import validate_alert_config


def _premium_alerts(analytics_db: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(analytics_db), read_only=True)
    try:
        return con.sql(
            "select parcel_id, level from fct_alerts where rule_id = 'land_premium_cap'"
            " order by parcel_id"
        ).fetchall()
    finally:
        con.close()


def _set_threshold(seeds: Path, rule_id: str, level: str, threshold: str) -> None:
    path = seeds / "alert_thresholds.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if (row["rule_id"], row["level"], row["district_code"]) == (rule_id, level, ""):
            row["threshold"] = threshold
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_raising_the_premium_cap_threshold_silences_parcels_at_15_pct(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from synthetic import generate

    generate(tmp_path / "sample", start="2021-01", end="2021-12", scale=0.1)
    home = paths(tmp_path / "home")
    load([tmp_path / "sample" / "raw"], home)

    project = tmp_path / "dbt_project"
    shutil.copytree(pipeline_build.PROJECT_DIR, project, ignore=shutil.ignore_patterns("target"))
    monkeypatch.setattr(pipeline_build, "PROJECT_DIR", project)

    with (tmp_path / "sample" / "truth" / "events.csv").open(encoding="utf-8") as handle:
        planted = next(e for e in csv.DictReader(handle) if e["kind"] == "land_premium_cap")

    pipeline_build.build(home)
    before = _premium_alerts(home.analytics_db)
    assert (planted["entity_ids"], "orange") in before  # the planted parcel at the 15% cap

    _set_threshold(project / "seeds", "land_premium_cap", "orange", "15.5")
    validate_alert_config(project / "seeds")
    pipeline_build.build(home)
    assert _premium_alerts(home.analytics_db) == []
