"""`housewatch build`: dbt build into the build database, then publish.

dbt runs in-process with HOUSEWATCH_HOME exported (the landing sources read it) and its target
and log folders under HOUSEWATCH_HOME, so a read-only checkout can build.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from housewatch.errors import UserError
from housewatch.lock import pipeline_lock
from housewatch.pipeline.checks import validate_configuration
from housewatch.pipeline.dictionary import write_dictionary
from housewatch.pipeline.publish import publish
from housewatch.settings import Paths
from ingest import landing
from ingest.schemas import contracts

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


@dataclass
class BuildResult:
    seconds_dbt: float
    seconds_publish: float
    tables: list[str]


def _dbt_executable() -> str:
    found = Path(sys.executable).with_name("dbt")
    return str(found) if found.exists() else "dbt"


def _failures(target: Path, build_db: Path) -> list[str]:
    results = target / "run_results.json"
    if not results.exists():
        return []
    failed = []
    for node in json.loads(results.read_text()).get("results", []):
        if node.get("status") in ("error", "fail", "runtime error"):
            # model.housewatch.fct_x → fct_x; test.housewatch.<test>.<hash> → <test>;
            # unit_test.housewatch.<model>.<test> → <model>.<test>
            parts = node["unique_id"].split(".")
            name = ".".join(parts[2:4]) if parts[0] == "unit_test" else ".".join(parts[2:3])
            message = (node.get("message") or "").strip().splitlines() or [""]
            problem = _first_problem(build_db, node.get("relation_name"))
            failed.append(f"{name}: {problem or message[0]}")
    return failed


def _first_problem(build_db: Path, relation: str | None) -> str | None:
    """A test that stores its failures and says what is wrong in a `problem` column speaks
    for itself: its first row becomes the build's message."""
    if not relation or not build_db.exists():
        return None
    try:
        con = duckdb.connect(str(build_db), read_only=True)
    except duckdb.Error:
        return None
    try:
        columns = {row[0] for row in con.sql(f"describe {relation}").fetchall()}
        if "problem" not in columns:
            return None
        rows = con.sql(f"select problem, count(*) over () from {relation} limit 1").fetchall()
        return f"{rows[0][0]} ({rows[0][1]} row(s))" if rows else None
    except duckdb.Error:
        return None
    finally:
        con.close()


def run_dbt(paths: Paths, args: list[str]) -> None:
    """Run dbt in its own process (its adapter keeps the build database open for its lifetime);
    a failed node becomes a one-line UserError naming it."""
    work = paths.home / "dbt"
    env = {
        **os.environ,
        "HOUSEWATCH_HOME": str(paths.home),
        "HOUSEWATCH_BUILD_DB": str(paths.build_db),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        _dbt_executable(), args[0], "--project-dir", str(PROJECT_DIR),
        "--profiles-dir", str(PROJECT_DIR), "--target-path", str(work / "target"),
        "--log-path", str(work / "logs"), *args[1:],
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return
    failed = _failures(work / "target", paths.build_db)
    tail = [ln for ln in done.stdout.splitlines() if ln.strip()][-1:] or ["no output"]
    detail = "; ".join(failed[:3]) or tail[0]
    raise UserError(f"dbt {args[0]} failed: {detail} (log: {work / 'logs' / 'dbt.log'})")


def build(paths: Paths, full_refresh: bool = False) -> BuildResult:
    validate_configuration(PROJECT_DIR / "seeds")  # a broken seed fails before dbt runs
    with pipeline_lock(paths):
        landing.ensure_empty_partitions(paths, list(contracts().values()))
        landing.export_ledger(paths)  # the batch ledger, for the data-quality marts
        t0 = time.perf_counter()
        run_dbt(paths, ["build", *(["--full-refresh"] if full_refresh else [])])
        t1 = time.perf_counter()
        tables = publish(paths)
        write_dictionary(paths.analytics_db, paths.reports / "data_dictionary.md")
        return BuildResult(t1 - t0, time.perf_counter() - t1, tables)
