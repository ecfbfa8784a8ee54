"""Two pipeline runs at once, and analysts querying while a build publishes: the second run is
refused with one line naming the holder, and every query answers from one whole published
version (never an error, never a mix). SIGTERM to `housewatch app` stops Streamlit too."""

from __future__ import annotations

import os
import signal
import socket
import time

from tests.faults.conftest import LATE_ROWS, cli, ok, popen
from tests.faults.snapshot import differences, snapshot
from tests.faults.test_build_faults import _alive, _children, _wait_for

UNITS = "select sum(units) from fct_new_home_sales where period_grain = 'month' and geo_level = 'city' and band_type = 'all'"  # noqa: E501


def test_second_run_is_refused_and_readers_never_fail_during_a_build(fault_world):
    home = fault_world.copy()
    before = int(ok(cli(home, "sql", UNITS, "--format", "csv")).stdout.split()[-1])
    ok(cli(home, "load", str(fault_world.late)))
    build = popen(home, "build")
    _wait_for(lambda: len(_children(build.pid)) == 1, 60, "dbt to start")
    # while it runs: another build and a load are refused, and queries keep answering
    other = cli(home, "build")
    assert other.returncode == 2 and "another HouseWatch run holds" in other.stderr
    assert f"pid {build.pid}, housewatch build" in other.stderr
    refused_load = cli(home, "load", str(fault_world.raw))
    assert refused_load.returncode == 2 and "another HouseWatch run holds" in refused_load.stderr
    answers: list[int] = []
    deadline = time.monotonic() + 240
    while build.poll() is None and time.monotonic() < deadline and len(answers) < 400:
        answers.append(int(ok(cli(home, "sql", UNITS, "--format", "csv")).stdout.split()[-1]))
    assert build.wait(timeout=300) == 0, build.stderr.read()
    answers.append(int(ok(cli(home, "sql", UNITS, "--format", "csv")).stdout.split()[-1]))
    assert len(answers) >= 3
    # the late file amends prices, not counts: every answer is the one whole published figure
    assert set(answers) == {before}
    assert differences(snapshot(home), fault_world.after) == []
    assert LATE_ROWS > 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sigterm_to_the_app_stops_streamlit(fault_world):
    home = fault_world.copy()
    port = _free_port()
    served = popen(home, "app", "--port", str(port))
    _wait_for(lambda: len(_children(served.pid)) == 1, 60, "streamlit to start")
    [streamlit] = _children(served.pid)

    def listening() -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    _wait_for(listening, 60, "streamlit to listen")
    os.kill(served.pid, signal.SIGTERM)
    assert served.wait(timeout=30) == -signal.SIGTERM
    _wait_for(lambda: not _alive(streamlit), 10, "streamlit to stop")
    assert not listening()
