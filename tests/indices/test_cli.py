"""`housewatch index`: the CLI writes the index table and reports user mistakes in one line."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from housewatch.cli import app

runner = CliRunner()


def test_repeat_sales_quarterly_csv(hpi_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    result = runner.invoke(
        app,
        ["index", "repeat-sales", "--input", str(hpi_dir / "ex_sales.csv"), "--id-col", "pinx",
         "--date-col", "sale_date", "--price-col", "sale_price", "--freq", "quarter",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pl.read_csv(out)
    assert table.columns == ["period", "index", "n", "imputed"]
    assert table.height == 28
    assert table["period"][0] == "2010-Q1" and table["period"][-1] == "2016-Q4"
    assert table["index"][-1] == pytest.approx(177.2591, abs=1e-4)


def test_missing_column_exits_2_with_one_line(hpi_dir: Path) -> None:
    result = runner.invoke(
        app,
        ["index", "repeat-sales", "--input", str(hpi_dir / "ex_sales.csv"), "--id-col", "pin",
         "--date-col", "sale_date", "--price-col", "sale_price"],
    )  # fmt: skip
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert "\n" not in message
    assert message.startswith("error:") and "'pin'" in message and "ex_sales.csv" in message


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["index", "median", "--input", "x.csv"], "method 'median'"),
        (["index", "hedonic", "--input", "nowhere.csv"], "nowhere.csv: no such file"),
    ],
)
def test_user_mistakes_exit_2(args: list[str], expected: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert expected in result.stderr


def test_unreadable_file_and_no_pairs(tmp_path: Path) -> None:
    bad = tmp_path / "bad.parquet"
    bad.write_text("not parquet")
    result = runner.invoke(app, ["index", "repeat-sales", "--input", str(bad)])
    assert result.exit_code == 2 and "cannot read" in result.stderr
    single = tmp_path / "single.csv"
    single.write_text("id,date,price\na,2020-01-01,1\nb,2020-02-01,2\n")
    result = runner.invoke(app, ["index", "repeat-sales", "--input", str(single)])
    assert result.exit_code == 2 and "no repeat-sales pairs" in result.stderr


def test_nbs_matched_prints_bands(tmp_path: Path) -> None:
    contracts = tmp_path / "c.parquet"
    pl.DataFrame(
        {
            "project_id": ["A", "A", "B", "B"],
            "sign_date": ["2021-01-05", "2021-02-05", "2021-01-05", "2021-02-05"],
            "area_sqm": [80.0, 80.0, 120.0, 120.0],
            "total_price_yuan": [800_000.0, 808_000.0, 1_200_000.0, 1_200_000.0],
        }
    ).write_parquet(contracts)
    out = tmp_path / "nbs.csv"
    result = runner.invoke(app, ["index", "nbs-matched", "--input", str(contracts), "--out",
                                 str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pl.read_csv(out)
    assert table.columns[:5] == ["band", "period", "index", "n", "imputed"]
    feb = table.filter(pl.col("period") == "2021-02")
    assert dict(zip(feb["band"], feb["mom"], strict=True))["≤90"] == pytest.approx(101.0)
