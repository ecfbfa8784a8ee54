"""Run the real fct_alerts (and the rule join of int_alerts__observations) on fixture observations.

The dbt project is copied to a temp folder; int_alerts__observations keeps its own final select
(the join to alert_rules, base_value, is_sample_sufficient) but reads its observations from a
fixture table instead of the marts, so every rule is judged by the shipped SQL in one dbt build of
the alert seeds, that view and fct_alerts.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

import pipeline.build as pipeline_build
from core.settings import Paths, paths
from pipeline.seedchecks.alerts import validate_alert_config
from tests.alerts.rule_reference import OBSERVATION_COLUMNS, Observation

OBSERVATIONS_MODEL = Path("models/intermediate/alerts/int_alerts__observations.sql")
ALERT_NODES = ("alert_rules", "alert_thresholds", "alert_levels", "int_alerts__observations")
FIXTURE_TABLE = "fixture.observations"


def _fixture_observations_model(real_sql: str) -> str:
    """The real model's final select over the fixture table (CTE style: the final select is the
    last line starting with `select`)."""
    final = real_sql[real_sql.rindex("\nselect\n") + 1 :]
    return (
        "{# Test stand-in: the real final select over fixture observations. #}\n"
        "with\n\nrules as (\n    select * from {{ ref('alert_rules') }}\n),\n\n"
        f"observations as (\n    select * from {FIXTURE_TABLE}\n)\n\n{final}"
    )


def _append_thresholds(seeds: Path, rows: list[dict[str, str]]) -> None:
    path = seeds / "alert_thresholds.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        columns = list(csv.DictReader(handle).fieldnames or [])
    text = path.read_text(encoding="utf-8")
    with path.open("a", encoding="utf-8", newline="") as handle:
        if not text.endswith("\n"):
            handle.write("\n")
        csv.DictWriter(handle, fieldnames=columns, lineterminator="\n").writerows(rows)


class RuleHarness:
    """A copied dbt project and a fresh build database holding the fixture observations."""

    def __init__(
        self, workdir: Path, extra_thresholds: list[dict[str, str]], stand_in: bool = True
    ) -> None:
        self.project = workdir / "dbt_project"
        shutil.copytree(
            pipeline_build.PROJECT_DIR, self.project, ignore=shutil.ignore_patterns("target")
        )
        _append_thresholds(self.project / "seeds", extra_thresholds)
        validate_alert_config(self.project / "seeds")  # the test's override rows are legal
        if stand_in:  # else the real model runs, on upstream tables the test creates
            model = self.project / OBSERVATIONS_MODEL
            model.write_text(_fixture_observations_model(model.read_text(encoding="utf-8")))
        self.home: Paths = paths(workdir / "home")
        self.home.home.mkdir(parents=True)

    def load(self, observations: list[Observation]) -> None:
        self.table(FIXTURE_TABLE, OBSERVATION_COLUMNS, [o.row() for o in observations])

    def table(self, name: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """Create `schema.table` (columns as "name type") in the build database with `rows`."""
        con = duckdb.connect(str(self.home.build_db))
        try:
            con.execute(f"create schema if not exists {name.split('.')[0]}")
            con.execute(f"create or replace table {name} ({', '.join(columns)})")
            if rows:
                marks = ", ".join("?" * len(columns))
                con.executemany(f"insert into {name} values ({marks})", rows)
        finally:
            con.close()

    def dbt(self, *args: str) -> None:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(pipeline_build, "PROJECT_DIR", self.project)
            pipeline_build.run_dbt(self.home, list(args))

    def build(self) -> None:
        """Seeds, the observations view (stand-in or real) and fct_alerts, with the tests whose
        parents are all among them (fct_alerts' contract and uniqueness included). The dbt
        unit tests of fct_alerts run in the real build; left out here, so a defect shows as
        the failing cases rather than as one failed build."""
        self.dbt(
            "build", "--select", *ALERT_NODES, "fct_alerts", "--indirect-selection", "cautious",
            "--exclude-resource-type", "unit_test",
        )  # fmt: skip

    def alerts(self) -> list[dict]:
        return self.query("select * from marts.fct_alerts order by entity_id, period_start")

    def query(self, sql: str) -> list[dict]:
        con = duckdb.connect(str(self.home.build_db), read_only=True)
        try:
            cursor = con.execute(sql)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            con.close()
