"""`housewatch build`: dbt build into the build database, then publish.

dbt runs in-process with HOUSEWATCH_HOME exported (the landing sources read it) and its target
and log folders under HOUSEWATCH_HOME, so a read-only checkout can build.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from core import proc
from core.errors import UserError
from core.faults import crash_point
from core.lock import pipeline_lock
from core.settings import Paths
from ingest import landing
from ingest.ledger import Ledger
from ingest.schemas import contracts
from pipeline.checks import validate_configuration
from pipeline.data_tests import record_data_tests
from pipeline.dictionary import write_dictionary
from pipeline.publish import publish

PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"


@dataclass
class BuildResult:
    seconds_dbt: float
    seconds_publish: float
    tables: list[str]
    warnings: int = 0  # data tests of content that found something (fct_data_tests)


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


Progress = Callable[[int, int, str], None]  # nodes done, nodes in all, the last node
_NODE_DONE = re.compile(
    r"\b(\d+) of (\d+) (?:OK|PASS|WARN|ERROR|FAIL|SKIP)\b\s*(.*?)\s*(?:\.{2,}|\[|$)"
)


def _progress_lines(progress: Progress | None) -> Callable[[str], None] | None:
    if progress is None:
        return None

    def on_line(line: str) -> None:
        found = _NODE_DONE.search(line)
        if found:
            progress(int(found.group(1)), int(found.group(2)), found.group(3).rstrip(" ."))

    return on_line


def run_dbt(
    paths: Paths, args: list[str], hold_fds: Sequence[int] = (), progress: Progress | None = None
) -> None:
    """Run dbt in its own process (its adapter keeps the build database open for its lifetime),
    bound to this one (core.proc) and holding `hold_fds` (the pipeline lock) until it ends;
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
    crash_point("dbt")  # the fault suite's kill while dbt runs happens from outside
    done = proc.run(
        command, env=env, pass_fds=hold_fds, capture=True, on_line=_progress_lines(progress)
    )
    if done.returncode == 0:
        return
    failed = _failures(work / "target", paths.build_db)
    tail = [ln for ln in done.stdout.splitlines() if ln.strip()][-1:] or ["no output"]
    detail = "; ".join(failed[:3]) or tail[0]
    raise UserError(f"dbt {args[0]} failed: {detail} (log: {work / 'logs' / 'dbt.log'})")


def committed_batches(paths: Paths) -> set[str]:
    """Recover from any interrupted load, then the batches the ledger committed: the only ones a
    build may read (a killed load can leave a landed partition it never committed)."""
    ledger = Ledger(paths.ledger)
    ledger.mark_interrupted()
    committed = ledger.loaded_ids()
    landing.recover(paths, committed)
    return committed


def stale_batches(build_db: Path, committed: set[str]) -> set[str]:
    """Batches held by the build database's intermediate tables (the incremental current-version
    models keep rows across builds) that the ledger no longer commits: their rows must go, and
    the versions they superseded come back, which takes a full rebuild."""
    if not build_db.exists():
        return set()
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        tables = con.sql(
            "select t.schema_name, t.table_name from duckdb_tables() t join duckdb_columns() c"
            " using (database_name, schema_name, table_name)"
            " where c.column_name = 'batch_id' and t.schema_name = 'intermediate'"
        ).fetchall()
        held: set[str] = set()
        for schema, table in tables:
            rows = con.sql(f'select distinct batch_id from "{schema}"."{table}"').fetchall()
            held.update(r[0] for r in rows if r[0] is not None)
    finally:
        con.close()
    return held - committed - {landing.EMPTY_BATCH}


def build(
    paths: Paths, full_refresh: bool = False, progress: Progress | None = None
) -> BuildResult:
    validate_configuration(PROJECT_DIR / "seeds")  # a broken seed fails before dbt runs
    with pipeline_lock(paths) as lock:
        committed = committed_batches(paths)
        full_refresh = full_refresh or bool(stale_batches(paths.build_db, committed))
        landing.ensure_empty_partitions(paths, list(contracts().values()))
        landing.export_ledger(paths)  # the batch ledger, for the data-quality marts
        t0 = time.perf_counter()
        args = ["build", *(["--full-refresh"] if full_refresh else [])]
        run_dbt(paths, args, hold_fds=(lock.fd,), progress=progress)
        warnings = record_data_tests(paths.home / "dbt" / "target", paths.build_db)
        t1 = time.perf_counter()
        tables = publish(paths)
        write_dictionary(paths.analytics_db, paths.reports / "data_dictionary.md")
        return BuildResult(t1 - t0, time.perf_counter() - t1, tables, warnings)
