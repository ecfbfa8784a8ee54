"""What a guarded query returns (issue 10): a result is bounded in bytes while it is fetched, so
a huge one ends in one line and little memory; every DuckDB type renders in --format table,
csv and json and in the SQL page's dataframe, as text where no output can take it as it is."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from housewatch import console
from housewatch.cli import app as cli
from serving import sqlguard

ROOT = Path(__file__).resolve().parents[2]
MAIN = str(ROOT / "app" / "dashboard" / "main.py")
HUGE = "select repeat('x', 300000000) from range(5)"  # issue 10: 6 GB, exit 0
OVER_BOUND = "select repeat('x', 1000000) as s from range(100)"  # 100 MB: past the byte bound
RSS_BOUND_MB = 1500  # issue 10 asks for well below the 6 GB it used; the worker cap is 1 GiB

# (SQL expression, the text every output shows for it)
TYPES = [
    ("interval '1 day 2 hours'", "1 day 02:00:00"),
    ("[1, 2, 3]", "[1, 2, 3]"),
    ("{'a': 1, 'b': 'x'}", "{'a': 1, 'b': x}"),
    ("map {'k': 1}", "{k=1}"),
    ("[interval 1 day]", "[1 day]"),
    (f"{2**127 - 1}::hugeint", str(2**127 - 1)),
    (f"{2**128 - 1}::uhugeint", str(2**128 - 1)),
    ("'6e8a1f4e-8d47-4f5e-9a21-3b3c1c2d4e5f'::uuid", "6e8a1f4e-8d47-4f5e-9a21-3b3c1c2d4e5f"),
    ("'\\xAA\\xBB'::blob", "\\xAA\\xBB"),
    ("12345678901234567890123456789.123456789::decimal(38,9)",
     "12345678901234567890123456789.123456789"),
    ("'12:34:56+08'::timetz", "12:34:56+08"),
    ("'101010'::bit", "101010"),
    ("'ok'::enum('sad', 'ok')", "ok"),
    ("union_value(num := 2)::union(num int, str varchar)", "2"),
    ("[1, 2, 3]::int[3]", "[1, 2, 3]"),
    ("'nan'::double", "NaN"),
    ("'inf'::double", "inf"),
    ("'-inf'::float", "-inf"),
    ("'294247-01-01'::timestamp", "294247-01-01 00:00:00"),
    ("'infinity'::timestamp", "infinity"),
    ("'5877642-06-25'::date", "5877642-06-25"),
    ("'12:34:56'::time", "12:34:56"),
    ("'2025-01-01 12:00:00.123456789'::timestamp_ns", "2025-01-01 12:00:00.123456789"),
    ("'2025-01-01 12:00:00+08'::timestamptz", None),  # DuckDB's text in the session time zone
    ("'2025-01-01'::date", "2025-01-01"),
    ("1.50::decimal(18,2)", "1.50"),
]  # fmt: skip
IDS = [expr.split("::")[-1][:24] for expr, _ in TYPES]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("sqlresults")
    con = duckdb.connect(str(home / "analytics.duckdb"))
    con.execute("create table fct_alerts as select range as n, 'red' as level from range(25)")
    con.close()
    return home


@pytest.fixture
def on_home(published: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOUSEWATCH_HOME", str(published))
    return published


def expected(expr: str, text: str | None) -> str:
    return text if text is not None else duckdb.sql(f"select ({expr})::varchar").fetchall()[0][0]


def test_huge_result_fails_in_one_line_with_little_memory(on_home: Path) -> None:
    """A wrapper process measures the CLI and its query worker (RUSAGE_CHILDREN counts waited
    grandchildren), so nothing else this test session ran is in the figure."""
    measure = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=90)\n"
        "print(p.returncode)\nprint(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.stderr.write(p.stderr)\n"
    )
    # --timeout 60: on a loaded machine the 10 s default could end it first; memory is the point
    command = [sys.executable, "-c", measure, sys.executable, "-m", "housewatch.cli", "sql", HUGE,
               "--timeout", "60"]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    code, peak_kb = (int(v) for v in done.stdout.split())
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert code != 0, done.stderr
    assert len(lines) == 1, done.stderr
    assert "too large" in lines[0] and "过大" in lines[0], lines
    assert "filter rows or aggregate" in lines[0]
    assert peak_kb / 1024 < RSS_BOUND_MB, f"peak RSS {peak_kb / 1024:.0f} MB"


def test_result_past_the_byte_bound_is_refused_while_fetching(on_home: Path) -> None:
    with pytest.raises(sqlguard.QueryRefused, match="result too large: over 64 MB") as info:
        sqlguard.run(OVER_BOUND)
    assert "结果过大" in str(info.value) and "\n" not in str(info.value)
    small = dataclasses.replace(sqlguard.LIMITS, max_result_mb=0.5)
    with pytest.raises(sqlguard.QueryRefused, match=re.escape("over 0.5 MB")):
        sqlguard.run("select repeat('x', 1000) from range(2000)", limits=small)
    ok = sqlguard.run("select repeat('x', 1000) from range(2000)")
    assert ok.frame.height == 2000  # 2 MB is well within the configured bound


def test_cli_result_past_the_byte_bound(on_home: Path) -> None:
    refused = CliRunner().invoke(cli, ["sql", OVER_BOUND, "--format", "csv"])
    assert refused.exit_code == 2
    assert refused.stdout == ""
    assert "result too large" in refused.stderr and len(refused.stderr.splitlines()) == 1


def test_limits_come_from_the_configuration() -> None:
    spec = sqlguard.load_limits()
    assert spec.max_result_bytes == int(spec.max_result_mb * 2**20)
    assert spec.worker_memory_mb * 2**20 > spec.max_result_bytes


@pytest.mark.parametrize(("expr", "text"), TYPES, ids=IDS)
def test_every_type_renders_as_csv_and_json(on_home: Path, expr: str, text: str | None) -> None:
    want = expected(expr, text)
    runner = CliRunner()
    as_csv = runner.invoke(cli, ["sql", f"select {expr} as v", "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [["v"], [want]]
    as_json = runner.invoke(cli, ["sql", f"select {expr} as v", "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout) == [{"v": want}]


def test_every_type_renders_as_a_table(on_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """All types in one query: one row, every cell the expected text."""
    monkeypatch.setattr(console.out, "width", 4000)
    columns = ", ".join(f"{expr} as c{i}" for i, (expr, _) in enumerate(TYPES))
    shown = CliRunner().invoke(cli, ["sql", f"select {columns}"])
    assert shown.exit_code == 0, shown.output
    row = next(line for line in shown.stdout.splitlines() if "1 day 02:00:00" in line)
    cells = [cell.strip() for cell in row.strip("│ \n").split("│")]
    assert cells == [expected(expr, text) for expr, text in TYPES]


def test_every_type_renders_in_the_sql_page(on_home: Path) -> None:
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("pages/sql.py").run()
    columns = ", ".join(f"{expr} as c{i}" for i, (expr, _) in enumerate(TYPES))
    at.text_area(key="sql_text").set_value(f"select {columns}").run()
    at.button(key="sql_run").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    row = at.dataframe[-1].value.iloc[0]
    for i, (expr, text) in enumerate(TYPES):
        value = row[f"c{i}"]
        if expr.startswith("'2025-01-01'::date"):
            assert str(value)[:10] == "2025-01-01"  # a real date, for sorting and Excel
        elif expr.endswith(("double", "float")):
            assert str(value).lower() == text.lower()
        elif expr.endswith("decimal(18,2)"):
            assert float(value) == 1.5
        else:
            assert value == expected(expr, text), expr


def test_sql_page_refuses_a_result_past_the_byte_bound(on_home: Path) -> None:
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("pages/sql.py").run()
    at.text_area(key="sql_text").set_value(OVER_BOUND).run()
    at.button(key="sql_run").click().run()
    assert not at.exception
    assert "result too large" in at.error[0].value
    assert not [d for d in at.dataframe if "s" in d.value.columns]


def test_sql_page_errors_show_no_server_path(on_home: Path) -> None:
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("pages/sql.py").run()
    shown = []
    for query in (f"select * from '{on_home}/secret.csv'", "select * from duckdb_databases()"):
        at.text_area(key="sql_text").set_value(query).run()
        at.button(key="sql_run").click().run()
        assert not at.exception
        shown.append(at.error[0].value)
    assert "<home>/secret.csv" in shown[0] and "server's configuration" in shown[1]
    assert not [m for m in shown if str(on_home) in m or "\n" in m], shown
