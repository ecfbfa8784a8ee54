"""The guarded SQL path (SQL page and `housewatch sql`): every forbidden case fails with a clear
one-line message, a runaway query stops at the timeout, results are cut at the row limit."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from housewatch.cli import app as cli
from serving import sqlguard


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("sqlhome")
    con = duckdb.connect(str(home / "analytics.duckdb"))
    con.execute("create table fct_alerts as select range as n, 'red' as level from range(25)")
    con.close()
    (home / "secret.csv").write_text("a,b\n1,2\n")
    return home


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("select * from read_csv('/etc/passwd')", "read_csv() is not allowed"),
        ("select * from read_csv_auto('secret.csv')", "read_csv_auto() is not allowed"),
        ("select * from read_parquet('x.parquet')", "read_parquet() is not allowed"),
        ("select read_text('/etc/passwd')", "read_text() is not allowed"),
        ("select * from glob('/etc/*')", "glob() is not allowed"),
        ("copy (select 1) to '/tmp/out.csv'", "COPY is not allowed"),
        ("copy fct_alerts from '/etc/passwd'", "COPY is not allowed"),
        ("attach '/tmp/other.duckdb' as other", "ATTACH is not allowed"),
        ("detach analytics", "DETACH is not allowed"),
        ("install httpfs", "INSTALL/LOAD is not allowed"),
        ("load json", "INSTALL/LOAD is not allowed"),
        ("set enable_external_access = true", "SET/RESET/USE is not allowed"),
        ("reset lock_configuration", "SET/RESET/USE is not allowed"),
        ("pragma show_tables", "PRAGMA/IMPORT is not allowed"),
        ("drop table fct_alerts", "DROP is not allowed"),
        ("delete from fct_alerts", "DELETE is not allowed"),
        ("update fct_alerts set level = 'blue'", "UPDATE is not allowed"),
        ("insert into fct_alerts values (1, 'x')", "INSERT is not allowed"),
        ("create table x as select 1", "CREATE is not allowed"),
        ("alter table fct_alerts add column y int", "ALTER is not allowed"),
        ("export database '/tmp/dump'", "EXPORT is not allowed"),
        ("checkpoint", "CALL/CHECKPOINT is not allowed"),
        ("select 1; drop table fct_alerts", "one statement at a time"),
        ("", "empty query"),
        ("select * from query('select path from duckdb_' || 'databases()')", "query() is not"),
        ("select * from query_table('duckdb_' || 'settings')", "query_table() is not allowed"),
    ],
)
def test_forbidden_statements_fail_with_a_clear_message(
    published: Path, query: str, expected: str
) -> None:
    with pytest.raises(sqlguard.QueryRefused, match=re.escape(expected)) as info:
        sqlguard.run(query, home=published)
    assert "\n" not in str(info.value)


def test_a_file_path_as_a_table_is_refused_by_duckdb(published: Path) -> None:
    """Past the name check, external access is off: DuckDB itself refuses to open files."""
    for query in ("select * from '/etc/passwd'", f"select * from '{published}/secret.csv'"):
        with pytest.raises(sqlguard.QueryRefused):
            sqlguard.run(query, home=published)
    con = sqlguard.guarded_connection(published)
    try:
        with pytest.raises(duckdb.Error):
            con.execute("set enable_external_access = true")  # locked configuration
        with pytest.raises(duckdb.Error):
            con.execute(f"select * from read_csv('{published}/secret.csv')")
    finally:
        con.close()


def test_runaway_query_stops_at_the_timeout(published: Path) -> None:
    with pytest.raises(sqlguard.QueryRefused, match="timeout"):
        sqlguard.run(
            "select count(*) from range(100000000) a, range(100000000) b",
            home=published, timeout_s=1.0,
        )  # fmt: skip


def test_row_limit_cuts_and_says_so(published: Path) -> None:
    result = sqlguard.run("select * from fct_alerts order by n", home=published, row_limit=10)
    assert result.frame.height == 10
    assert result.truncated
    assert result.frame["n"].to_list() == list(range(10))
    whole = sqlguard.run("select count(*) as c from fct_alerts;", home=published)
    assert whole.frame.item() == 25 and not whole.truncated


def test_cli_sql_uses_the_same_guard(published: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOUSEWATCH_HOME", str(published))
    runner = CliRunner()
    ok = runner.invoke(cli, ["sql", "select level, count(*) as n from fct_alerts group by 1",
                             "--format", "csv"])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.splitlines() == ["level,n", "red,25"]
    refused = runner.invoke(cli, ["sql", "drop table fct_alerts"])
    assert refused.exit_code == 2
    assert "DROP is not allowed" in refused.stderr
    assert os.path.exists(published / "analytics.duckdb")


def _server_paths(home: Path) -> list[str]:
    return [str(home), os.path.realpath(home), os.path.expanduser("~"), os.getcwd(),
            tempfile.gettempdir(), str(Path(sqlguard.__file__).resolve().parents[1])]  # fmt: skip


@pytest.mark.parametrize(
    "query",
    [
        "select * from duckdb_databases()",
        "select path from duckdb_databases",
        "select * from duckdb_settings()",
        "SELECT value FROM DUCKDB_SETTINGS() WHERE name = 'secret_directory'",
        "select * from pragma_database_list",
        "select current_setting('temp_directory')",
        "select * from duckdb_extensions()",
        "select * from duckdb_secrets()",
        "select * from duckdb_temporary_files()",
        "select * from pg_catalog.pg_settings",
        "select split(path, '/') from duckdb_databases()",
    ],
)
def test_server_configuration_is_refused(published: Path, query: str) -> None:
    """Paths live in these (database files, directories, extensions, secrets): refused by name,
    since string functions would get round any redaction of their results."""
    with pytest.raises(sqlguard.QueryRefused, match="shows the server's configuration") as info:
        sqlguard.run(query, home=published)
    assert "duckdb_tables()" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    "query",
    [
        "select table_name, comment from duckdb_tables()",
        "select column_name, data_type from duckdb_columns() where table_name = 'fct_alerts'",
        "select view_name, sql from duckdb_views()",
        "select * from duckdb_schemas()",
        "select * from information_schema.tables",
        "select * from information_schema.schemata",
        "select * from pg_catalog.pg_database",
        "select * from pragma_table_info('fct_alerts')",
        "select * from pragma_database_size()",
    ],
)
def test_the_catalog_stays_open_and_shows_no_server_path(published: Path, query: str) -> None:
    result = sqlguard.run(query, home=published)
    assert result.frame.height > 0
    text = str(result.frame.rows())
    assert not [p for p in _server_paths(published) if p in text], text


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("select * from '{home}/secret.csv'", "<home>/secret.csv"),
        ("select * from '{home}/analytics.duckdb.wal'", "<home>/analytics.duckdb.wal"),
        ("select * from '/etc/passwd'", "<path>"),
        ("select * from '{tmp}/other.parquet'", "<path>"),
        ("select * from nosuch", "Table with name nosuch does not exist"),
        ("select * from other.main.t", "does not exist"),
    ],
)
def test_error_messages_show_no_server_path(published: Path, query: str, shown: str) -> None:
    sql = query.format(home=published, tmp=tempfile.gettempdir())
    with pytest.raises(sqlguard.QueryRefused) as info:
        sqlguard.run(sql, home=published)
    message = str(info.value)
    assert shown in message and "\n" not in message
    assert not [p for p in _server_paths(published) if p in message], message


def test_redact_replaces_home_first_then_any_absolute_path(published: Path) -> None:
    home = str(published)
    text = f'Cannot open "{home}/a.duckdb" (also [{home}/b, /usr/lib/x.so]); 元/㎡ at 3/4'
    assert sqlguard.redact(text, published) == (
        'Cannot open "<home>/a.duckdb" (also [<home>/b, <path>]); 元/㎡ at 3/4'
    )
