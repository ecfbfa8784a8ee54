"""The fault suite's world: a three-month market loaded and built once (the base), a late file
of amended March contracts, and the figures an uninterrupted run publishes with and without it.
Every scenario starts from a copy of the base home, so its builds are the incremental ones a
bureau runs every month.

Every scenario runs in the one folder the base was built in (`scenario`), restored from the base
before each: dbt's partial-parse state (target/partial_parse.msgpack) holds the build database's
path and HOUSEWATCH_HOME, so a copy elsewhere would reparse the whole project at its every build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from core.settings import Paths, paths
from tests.faults.snapshot import Snapshot, snapshot

ROOT = Path(__file__).resolve().parents[2]
LATE_ROWS = 12  # March contracts the late file amends (a new total price each)


@dataclass(frozen=True)
class FaultWorld:
    raw: Path  # the generated raw files
    late: Path  # the late file (new versions of LATE_ROWS March contracts)
    base: Paths  # raw loaded and built (in `scenario`), kept apart and never run in
    scenario: Path  # the HOUSEWATCH_HOME every scenario runs in
    before: Snapshot  # published figures of the base
    after: Snapshot  # published figures after the late file, loaded and built without faults

    def copy(self) -> Paths:
        """The base home (ledger, landing, build database, key, dbt target and all) in the
        scenario folder, whatever the last scenario left there."""
        if self.scenario.exists():
            shutil.rmtree(self.scenario)
        shutil.copytree(self.base.home, self.scenario, symlinks=True)
        return paths(self.scenario)


def cli(
    home: Paths, *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`housewatch ARGS` as its own process (so it can be killed like the real one)."""
    return subprocess.run(
        [sys.executable, "-m", "housewatch.cli", *args],
        env={**os.environ, "HOUSEWATCH_HOME": str(home.home), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )


def popen(home: Paths, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "housewatch.cli", *args],
        env={**os.environ, "HOUSEWATCH_HOME": str(home.home), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def ok(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, (done.args, done.stdout[-2000:], done.stderr[-2000:])
    return done


def _late_file(raw: Path, out: Path) -> Path:
    """Amended March contracts, as a bureau re-sends them: same keys, new totals, UTF-8."""
    march = next((raw / "new_home").glob("*2021-03.csv"))
    frame = pl.read_csv(march, encoding="gb18030", infer_schema=False)
    total = next(c for c in frame.columns if c.startswith("合同总价"))
    amended = frame.head(LATE_ROWS).with_columns(
        (pl.col(total).cast(pl.Float64) * 1.01).round(4).cast(pl.String)
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    amended.write_csv(out)
    return out


@pytest.fixture(scope="session")
def fault_world(tmp_path_factory: pytest.TempPathFactory) -> FaultWorld:
    from synthetic import generate

    root = tmp_path_factory.mktemp("faults")
    generate(root / "sample", start="2021-01", end="2021-03", scale=0.03)
    raw = root / "sample" / "raw"
    late = _late_file(raw, root / "late" / "新建商品房网签_2021-03_补正.csv")
    scenario = paths(root / "scenario")
    ok(cli(scenario, "load", str(raw)))
    ok(cli(scenario, "build"))
    base = paths(root / "base")
    shutil.copytree(scenario.home, base.home, symlinks=True)
    ok(cli(scenario, "load", str(late)))  # the uninterrupted run
    ok(cli(scenario, "build"))
    world = FaultWorld(raw, late, base, scenario.home, snapshot(base), snapshot(scenario))
    assert world.before != world.after  # the late file changes published figures
    return world
