"""The command line: a future period or a month without data fails in one line with exit code
2 and leaves no files; `housewatch run` builds and briefs the latest complete month."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from housewatch.cli import app

runner = CliRunner()


@pytest.fixture
def cli_home(brief_home, monkeypatch):
    _, home = brief_home
    monkeypatch.setenv("HOUSEWATCH_HOME", str(home.home))
    return home


@pytest.mark.parametrize(
    ("period", "message"),
    [("2099-01", "is not over yet"), ("2099", "is not over yet"),
     ("2019-06", "no data for 2019-06"), ("2019-Q4", "no data for 2019-10"),
     ("2021-13", "expected a month")],
)  # fmt: skip
def test_future_or_empty_period_fails_cleanly_without_files(cli_home, tmp_path, period, message):
    out = tmp_path / "reports" / period
    result = runner.invoke(app, ["brief", "--period", period, "--out", str(out)])
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()
    assert not list((tmp_path / "reports").glob("*")) if (tmp_path / "reports").exists() else True


def test_bad_format_is_refused(cli_home, tmp_path):
    result = runner.invoke(app, ["brief", "--period", "2021-06", "--format", "docx"])
    assert result.exit_code == 2 and "--format" in result.output


def test_rewriting_a_brief_replaces_it_whole(cli_home, tmp_path):
    out = tmp_path / "b"
    for formats in ("html,md", "md"):
        result = runner.invoke(app, ["brief", "--period", "2021-03", "--format", formats,
                                     "--out", str(out)])  # fmt: skip
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["brief-2021-03.md"]
    assert [p.name for p in tmp_path.iterdir()] == ["b"]


def test_run_builds_and_briefs_the_latest_complete_month(cli_home):
    result = runner.invoke(app, ["run", "--format", "html"])
    assert result.exit_code == 0, result.output
    assert "inbox" in result.output
    report = cli_home.reports / "2021-12" / "brief-2021-12.html"
    assert report.exists()
    assert "南通市房地产市场月度分析（2021年12月）" in report.read_text(encoding="utf-8")


@pytest.mark.parametrize("formats", ["pdf", "html", "html,pdf,md"])
def test_without_the_cjk_font_the_brief_refuses_naming_the_package(
    cli_home, tmp_path, monkeypatch, formats
):
    # fontconfig that knows no CJK font: a PATH whose fc-list lists nothing
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "fc-list").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "fc-list").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    out = tmp_path / "reports"
    result = runner.invoke(
        app, ["brief", "--period", "2021-06", "--format", formats, "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "apt-get install fonts-noto-cjk" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_markdown_alone_needs_no_font(cli_home, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no fc-list at all
    out = tmp_path / "md"
    result = runner.invoke(
        app, ["brief", "--period", "2021-06", "--format", "md", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["brief-2021-06.md"]
