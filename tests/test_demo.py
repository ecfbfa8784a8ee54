"""`housewatch demo --no-serve`, the main job, end to end on a small market: generate, load,
build, publish and write the latest monthly brief."""

from __future__ import annotations

import duckdb
from typer.testing import CliRunner

from housewatch.cli import app


def test_demo_builds_publishes_and_briefs_the_latest_month(home):
    result = CliRunner().invoke(
        app, ["demo", "--no-serve", "--start", "2021-01", "--end", "2021-12", "--scale", "0.05"]
    )
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(home.analytics_db), read_only=True)
    try:
        [(months,)] = con.sql(
            "select count(distinct period_start) from fct_new_home_sales"
            " where period_grain = 'month'"
        ).fetchall()
    finally:
        con.close()
    assert months == 12
    briefs = sorted(p.name for p in (home.reports / "2021-12").iterdir())
    assert briefs == ["brief-2021-12.html", "brief-2021-12.md", "brief-2021-12.pdf"]
    assert "2021年12月" in (home.reports / "2021-12" / "brief-2021-12.md").read_text("utf-8")


def test_python_dash_m_cli_lists_every_public_command():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "housewatch.cli", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    for command in ("generate", "schema", "load", "build", "status", "demo", "brief", "run",
                    "app", "sql", "index"):  # fmt: skip
        assert f" {command} " in done.stdout, command
