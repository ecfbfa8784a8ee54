"""Long work shows progress on a terminal and stays quiet when not on one (cron, CI)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from pipeline.build import _progress_lines
from tests.ingestion.helpers import NEW_HOME_HEADERS, new_home_row, write_csv

DBT_LINES = [
    "20:20:02  1 of 383 START sql view model staging.stg_new_home ...... [RUN]",
    "20:20:02  1 of 383 OK created sql view model staging.stg_new_home . [OK in 0.05s]",
    "20:20:03  2 of 383 PASS accepted_range_fct_x_y__0 ................. [PASS in 0.02s]",
    "20:20:04  3 of 383 WARN 12 accepted_range_fct_z_w__0 .............. [WARN 12 in 0.03s]",
    "20:20:05  Finished running 200 tests in 0 hours 0 minutes.",
]


def test_dbt_lines_become_node_progress():
    seen: list[tuple[int, int, str]] = []
    on_line = _progress_lines(lambda done, total, node: seen.append((done, total, node)))
    for line in DBT_LINES:
        on_line(line)
    assert seen == [
        (1, 383, "created sql view model staging.stg_new_home"),
        (2, 383, "accepted_range_fct_x_y__0"),
        (3, 383, "12 accepted_range_fct_z_w__0"),
    ]


def _load(home: Path, file: Path, tty: bool) -> str:
    env = {**os.environ, "HOUSEWATCH_HOME": str(home), "TERM": "xterm", "COLUMNS": "120"}
    env.pop("CI", None)
    command = [sys.executable, "-m", "housewatch.cli", "load", str(file)]
    if not tty:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        return done.stderr
    leader, follower = pty.openpty()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    child.wait(timeout=60)
    os.close(leader)
    assert child.returncode == 0
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_load_progress_on_a_terminal_only(tmp_path):
    rows = [new_home_row(n) for n in range(1, 2001)]
    files = [
        write_csv(tmp_path / "in" / f"m{i}.csv", NEW_HOME_HEADERS, rows[i::4]) for i in range(4)
    ]
    quiet = _load(tmp_path / "h1", files[0].parent, tty=False)
    assert quiet == ""
    shown = _load(tmp_path / "h2", files[0].parent, tty=True)
    assert "loading m" in shown and "rows" in shown
