"""kill -9 of `housewatch build` while dbt runs and while it publishes: no orphan keeps the
build database locked, the lock is held until every child is gone, readers keep the last
published file, and the next build publishes what an uninterrupted one does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.lock import pipeline_busy
from core.settings import paths
from tests.faults.conftest import cli, ok, popen
from tests.faults.snapshot import differences, snapshot


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(c) for c in task.read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_kill_during_dbt_ends_dbt_too_and_the_next_build_publishes(fault_world):
    home = fault_world.copy()
    ok(cli(home, "load", str(fault_world.late)))
    published = home.analytics_db.stat().st_ino
    build = popen(home, "build")
    log = home.home / "dbt" / "logs" / "dbt.log"
    start = log.stat().st_size if log.exists() else 0
    # dbt has started building models (its log says so) when the parent is killed
    _wait_for(lambda: log.exists() and b" START " in log.read_bytes()[start:], 120, "dbt nodes")
    [dbt] = _children(build.pid)
    os.kill(build.pid, signal.SIGKILL)
    build.wait(timeout=10)
    _wait_for(lambda: not _alive(dbt), 10, "dbt to die with its parent")
    _wait_for(lambda: not pipeline_busy(home), 10, "the lock to be free")
    assert home.analytics_db.stat().st_ino == published  # nothing half-built was published
    ok(cli(home, "status"))
    ok(cli(home, "build"))
    assert differences(snapshot(home), fault_world.after) == []
    ok(cli(home, "load", str(fault_world.late)))  # already loaded: a no-op
    assert differences(snapshot(home), fault_world.after) == []


HOLD_AND_DIE = """
import os, subprocess, sys
from core.lock import pipeline_lock
from core.settings import paths
with pipeline_lock(paths(sys.argv[1])) as lock:
    child = subprocess.Popen(  # not bound to its parent, unlike core.proc's children
        ["sleep", "60"], pass_fds=(lock.fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    print(child.pid, flush=True)
    os._exit(0)  # die holding the lock, as a SIGKILL would
"""


def test_the_lock_is_held_while_a_child_of_a_dead_run_lives(tmp_path):
    home = paths(tmp_path / "home")
    done = subprocess.run(
        [sys.executable, "-c", HOLD_AND_DIE, str(home.home)],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    child = int(done.stdout.split()[0])
    try:
        assert _alive(child) and pipeline_busy(home)
        refused = cli(home, "build")
        assert refused.returncode == 2
        assert f"holds {home.lock}" in refused.stderr
        assert "is gone: a leftover child of it still runs" in refused.stderr
    finally:
        os.kill(child, signal.SIGKILL)
    _wait_for(lambda: not pipeline_busy(home), 10, "the lock to be free")


def test_kill_during_publish_keeps_the_last_published_file(fault_world):
    home = fault_world.copy()
    ok(cli(home, "load", str(fault_world.late)))
    killed = cli(home, "build", env={"HOUSEWATCH_CRASH_AT": "publish:3"})
    assert killed.returncode == -9
    assert home.analytics_db.with_name("analytics_next.duckdb").exists()  # half written
    assert differences(snapshot(home), fault_world.before) == []  # readers see the last publish
    ok(cli(home, "status"))
    ok(cli(home, "build"))
    assert not home.analytics_db.with_name("analytics_next.duckdb").exists()
    assert differences(snapshot(home), fault_world.after) == []
