"""Batches, idempotency, superseding versions, crash safety, the ledger and the CLI contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from housewatch.cli import app
from ingest.ledger import Ledger
from tests.ingestion.helpers import NEW_HOME_HEADERS, landed, load_one, new_home_row, write_csv

ROOT = Path(__file__).resolve().parents[2]


def test_loading_the_same_file_again_is_a_no_op(home, tmp_path):
    path = write_csv(tmp_path / "m.csv", NEW_HOME_HEADERS, [new_home_row(n) for n in range(5)])
    first = load_one(path, home)
    from pipeline.load import load

    again = load([path], home)
    assert again.batches == []
    assert again.skipped == [(path, first.batch_id)]
    assert landed(home, "new_home").height == 5
    assert [b.status for b in Ledger(home.ledger).batches()] == ["loaded"]


def test_a_later_version_supersedes_and_history_is_kept(home, tmp_path):
    march = [new_home_row(n) for n in (1, 2, 3)]
    load_one(write_csv(tmp_path / "2021-03.csv", NEW_HOME_HEADERS, march), home)
    cancelled = new_home_row(2, 合同状态="已撤销")
    headers = [*NEW_HOME_HEADERS, "撤销日期"]
    may = [[*cancelled, "2021-05-10"], [*new_home_row(4), ""]]
    batch = load_one(write_csv(tmp_path / "2021-05.csv", headers, may), home)
    assert (batch.loaded, batch.duplicates) == (2, 0)
    df = landed(home, "new_home")
    versions = df.filter(pl.col("contract_id") == "HT0002").sort("_batch_id")
    assert versions.get_column("status").to_list() == ["已备案", "已撤销"]
    latest = (
        df.sort("_batch_id", "_row")
        .group_by("contract_id", maintain_order=True)
        .last()
        .sort("contract_id")
    )
    assert latest.get_column("status").to_list() == ["已备案", "已撤销", "已备案", "已备案"]


def test_landing_is_partitioned_by_batch_and_carries_lineage(home, tmp_path):
    load_one(write_csv(tmp_path / "a.csv", NEW_HOME_HEADERS, [new_home_row(1)]), home)
    load_one(write_csv(tmp_path / "b.csv", NEW_HOME_HEADERS, [new_home_row(2)]), home)
    parts = sorted(p.name for p in (home.landing / "new_home").iterdir())
    assert parts == ["batch_id=b0000001", "batch_id=b0000002", "batch_id=empty"]
    df = pl.read_parquet(home.landing / "new_home", hive_partitioning=True)
    assert set(df.get_column("_batch_id")) == {"b0000001", "b0000002"}
    assert set(df.get_column("batch_id")) == {"b0000001", "b0000002"}  # the hive partition
    assert df.get_column("period_month").unique().to_list()[0].isoformat() == "2021-04-01"


def _run_cli(args: list[str], home, env_extra: dict[str, str] | None = None):
    env = {**os.environ, "HOUSEWATCH_HOME": str(home.home), **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "housewatch.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_kill_mid_load_leaves_no_partial_batch(home, tmp_path):
    folder = tmp_path / "inbox"
    for month in (1, 2, 3):
        rows = [new_home_row(month * 100 + n) for n in range(50)]
        write_csv(folder / f"2021-0{month}.csv", NEW_HOME_HEADERS, rows)
    # killed (SIGKILL) after the second batch's files were renamed, before the ledger commit
    killed = _run_cli(["load", str(folder)], home, {"HOUSEWATCH_CRASH_AT": "landed:2"})
    assert killed.returncode == -9
    assert sorted(p.name for p in (home.landing / "new_home").glob("batch_id=b*")) == [
        "batch_id=b0000001",
        "batch_id=b0000002",  # renamed but not committed: the next run must remove it
    ]
    statuses = [(b.batch_id, b.status) for b in Ledger(home.ledger).batches()]
    assert statuses == [("b0000001", "loaded"), ("b0000002", "loading")]

    resumed = _run_cli(["load", str(folder)], home)
    assert resumed.returncode == 0, resumed.stderr
    batches = Ledger(home.ledger).batches()
    assert [(b.batch_id, b.file_name, b.status) for b in batches] == [
        ("b0000001", "2021-01.csv", "loaded"),
        ("b0000002", "2021-02.csv", "failed"),
        ("b0000003", "2021-02.csv", "loaded"),
        ("b0000004", "2021-03.csv", "loaded"),
    ]
    df = landed(home, "new_home")
    assert df.height == 150 and df.get_column("contract_id").n_unique() == 150
    assert set(df.get_column("_batch_id")) == {"b0000001", "b0000003", "b0000004"}


def test_kill_before_rename_leaves_only_temporary_files_that_are_cleaned(home, tmp_path):
    path = write_csv(tmp_path / "x.csv", NEW_HOME_HEADERS, [new_home_row(1)])
    killed = _run_cli(["load", str(path)], home, {"HOUSEWATCH_CRASH_AT": "staged:1"})
    assert killed.returncode == -9
    leftovers = sorted(p.name for p in (home.landing / "new_home").iterdir())
    assert leftovers == [".tmp-batch_id=b0000001", "batch_id=empty"]
    assert _run_cli(["load", str(path)], home).returncode == 0
    after = sorted(p.name for p in (home.landing / "new_home").iterdir())
    assert after == ["batch_id=b0000002", "batch_id=empty"]


def test_status_json_lists_batches_and_totals(home, tmp_path):
    rows = [new_home_row(1), new_home_row(2), new_home_row(3, **{"建筑面积(㎡)": "-1"})]
    load_one(write_csv(tmp_path / "s.csv", NEW_HOME_HEADERS, rows), home)
    result = CliRunner().invoke(app, ["status", "--json"])
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    (batch,) = info["batches"]
    assert {k: batch[k] for k in ("file_name", "source", "profile", "read", "loaded")} == {
        "file_name": "s.csv",
        "source": "new_home",
        "profile": None,
        "read": 3,
        "loaded": 2,
    }
    assert (batch["quarantined"], batch["duplicates"], batch["status"]) == (1, 0, "loaded")
    assert batch["reasons"] == {"non_positive": 1}
    totals = info["totals"]["new_home"]
    assert (totals["files"], totals["read"], totals["loaded"], totals["quarantined"]) == (
        1,
        3,
        2,
        1,
    )
    assert (totals["first_month"], totals["last_month"]) == ("2021-04", "2021-04")


def test_cli_exit_codes(home, tmp_path):
    runner = CliRunner()
    good = write_csv(tmp_path / "g.csv", NEW_HOME_HEADERS, [new_home_row(1)])
    assert runner.invoke(app, ["load", str(good)]).exit_code == 0
    empty = tmp_path / "e.csv"
    empty.write_text("")
    bad = runner.invoke(app, ["load", str(empty)])
    assert bad.exit_code == 1
    assert bad.stderr.strip() == "error: e.csv: file is empty"
    missing = runner.invoke(app, ["load", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2
    assert "nope.csv: no such file or directory" in missing.stderr
    unknown = runner.invoke(app, ["load", str(good), "--source", "newhome"])
    assert unknown.exit_code == 2
    assert "unknown source 'newhome'" in unknown.stderr
    assert runner.invoke(app, ["schema", "nope"]).exit_code == 2


def test_schema_json_lists_every_source(home):
    result = CliRunner().invoke(app, ["schema", "--json"])
    sources = [c["source"] for c in json.loads(result.stdout)]
    assert sources[:11] == [
        "construction", "credit", "developer_finance", "escrow_agreement", "escrow_statement",
        "land", "new_home", "presale", "rental", "resale", "stock",
    ]  # fmt: skip
    new_home = json.loads(CliRunner().invoke(app, ["schema", "new_home", "--json"]).stdout)[0]
    buyer = next(c for c in new_home["columns"] if c["input_name"] == "buyer_id")
    assert (buyer["name"], buyer["type"]) == ("buyer_key", "pii")


def test_pseudonym_key_lives_outside_the_warehouse_and_links_repeat_buyers(home, tmp_path):
    same_buyer = {"买受人证件号码": "32060219900101123X"}
    load_one(write_csv(tmp_path / "a.csv", NEW_HOME_HEADERS, [new_home_row(1, **same_buyer)]), home)
    lower = {"买受人证件号码": "32060219900101123x "}
    load_one(write_csv(tmp_path / "b.csv", NEW_HOME_HEADERS, [new_home_row(2, **lower)]), home)
    keys = landed(home, "new_home").get_column("buyer_key").to_list()
    assert keys[0] == keys[1]
    assert home.pseudonym_key.exists()
    assert oct(home.pseudonym_key.stat().st_mode & 0o777) == "0o600"
    assert not home.pseudonym_key.is_relative_to(home.landing)


def test_another_installation_key_gives_other_hashes(home, tmp_path, monkeypatch):
    row = [new_home_row(1)]
    load_one(write_csv(tmp_path / "a.csv", NEW_HOME_HEADERS, row), home)
    first = landed(home, "new_home").get_column("buyer_key").to_list()
    from core.settings import paths

    other = paths(tmp_path / "other")
    load_one(write_csv(tmp_path / "b.csv", NEW_HOME_HEADERS, row), other)
    assert landed(other, "new_home").get_column("buyer_key").to_list() != first


def test_declared_unit_for_a_bare_money_header(home, tmp_path):
    headers = [h if h != "合同总价(万元)" else "合同总价" for h in NEW_HOME_HEADERS]
    path = write_csv(tmp_path / "bare.csv", headers, [new_home_row(1)])
    result = CliRunner().invoke(app, ["load", str(path), "--unit", "total_price_yuan=万元"])
    assert result.exit_code == 0, result.stderr
    assert landed(home, "new_home").get_column("total_price_yuan").to_list() == [2_500_000.0]
    wrong = CliRunner().invoke(app, ["load", str(path), "--unit", "total_price_yuan"])
    assert wrong.exit_code == 2
    assert "expected COLUMN=UNIT" in wrong.stderr


def test_bare_money_header_without_declaration_is_yuan_and_caught_when_implausible(home, tmp_path):
    headers = [h if h != "合同总价(万元)" else "合同总价" for h in NEW_HOME_HEADERS]
    path = write_csv(tmp_path / "bare.csv", headers, [new_home_row(1)])
    batch = load_one(path, home)
    assert batch.reasons == {"implausible_unit_price": 1}  # 250 元 for 100㎡
