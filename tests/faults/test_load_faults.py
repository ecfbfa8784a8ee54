"""kill -9 at every stage of a load, each followed by status, build and load again: the build
reads only what the ledger committed, and the published figures end equal to an uninterrupted
run. Also: rows an incremental model kept from a batch that no longer exists are dropped."""

from __future__ import annotations

import json

import duckdb

from ingest.ledger import Ledger
from tests.faults.conftest import LATE_ROWS, cli, ok
from tests.faults.snapshot import differences, snapshot

# (crash point, whether the batch was committed when the process died)
LOAD_STAGES = [("read", False), ("staged", False), ("landed", False), ("committed", True)]


def _status(home) -> dict:
    return json.loads(ok(cli(home, "status", "--json")).stdout)


def _published_attempts(home, file_name: str) -> list[tuple[str, int]]:
    """The attempts at a file as the warehouse publishes them (fct_load_batches)."""
    con = duckdb.connect(str(home.analytics_db), read_only=True)
    try:
        return con.sql(
            "select status, rows_loaded from fct_load_batches where file_name = ?"
            " order by batch_id",
            params=[file_name],
        ).fetchall()
    finally:
        con.close()


def test_kill_at_every_load_stage_then_status_build_and_load_again(fault_world):
    home = fault_world.copy()
    base_batches = len(Ledger(home.ledger).batches())
    for n, (stage, committed) in enumerate(LOAD_STAGES, start=1):
        killed = cli(home, "load", str(fault_world.late), env={"HOUSEWATCH_CRASH_AT": stage})
        assert killed.returncode == -9, (stage, killed.stderr)

        late = [b for b in _status(home)["batches"] if b["file_name"] == fault_world.late.name]
        assert len(late) == n, stage  # one attempt per stage so far, the earlier ones failed
        assert [b["status"] for b in late[:-1]] == ["failed"] * (n - 1)
        if committed:
            assert (late[-1]["status"], late[-1]["loaded"]) == ("loaded", LATE_ROWS)
        else:  # nothing runs, so status says the killed load failed, before any cleanup
            assert late[-1]["status"] == "failed", stage
            assert "interrupted" in late[-1]["message"]
        totals = _status(home)["totals"]["new_home"]
        assert totals["files"] == 3 + committed
        assert totals["rows"] == totals["loaded"]  # landing counted for committed batches only

        ok(cli(home, "build"))
        expected = fault_world.after if committed else fault_world.before
        assert differences(snapshot(home), expected) == [], stage
        published = _published_attempts(home, fault_world.late.name)
        assert published == [(b["status"], b["loaded"]) for b in late], stage
        leftovers = [p.name for p in (home.landing / "new_home").iterdir()]
        committed_ids = {b.batch_id for b in Ledger(home.ledger).batches() if b.status == "loaded"}
        assert {p.removeprefix("batch_id=") for p in leftovers} <= committed_ids | {"empty"}

    again = ok(cli(home, "load", str(fault_world.late)))
    assert "already loaded" in again.stdout
    ok(cli(home, "build"))
    assert differences(snapshot(home), fault_world.after) == []
    assert len(Ledger(home.ledger).batches()) == base_batches + len(LOAD_STAGES)


def test_a_partition_the_ledger_never_knew_is_not_built(fault_world):
    home = fault_world.copy()
    ok(cli(home, "load", str(fault_world.late)))
    # a partition with no ledger row at all (copied in by hand, or from another installation)
    late_dir = max((home.landing / "new_home").glob("batch_id=b*"))
    stray = late_dir.with_name("batch_id=b9999999")
    stray.mkdir()
    (stray / "data.parquet").write_bytes((late_dir / "data.parquet").read_bytes())
    ok(cli(home, "build"))
    assert differences(snapshot(home), fault_world.after) == []
    assert not stray.exists()


def test_rows_an_incremental_model_kept_from_a_vanished_batch_are_dropped(fault_world):
    home = fault_world.copy()
    # the state a build before this fix left behind: the current-version table holds a version
    # from batch b9999999, whose files the next load removed because the ledger never committed it
    con = duckdb.connect(str(home.build_db))
    try:
        table = "intermediate.int_new_home__contracts_current"
        con.execute(
            f"update {table} set batch_id = 'b9999999', total_price_yuan = total_price_yuan * 2"
            f" where contract_id in (select contract_id from {table} order by 1 limit 5)"
        )
        vintages = "marts.fct_price_index_vintages"
        con.execute(
            f"insert into {vintages} select * replace ('b9999999' as vintage) from {vintages}"
        )
    finally:
        con.close()
    ok(cli(home, "build"))
    assert differences(snapshot(home), fault_world.before) == []
    con = duckdb.connect(str(home.build_db), read_only=True)
    try:
        held = con.sql(
            "select count(*) from intermediate.int_new_home__contracts_current"
            " where batch_id = 'b9999999'"
        ).fetchall()
        assert held == [(0,)]
    finally:
        con.close()
