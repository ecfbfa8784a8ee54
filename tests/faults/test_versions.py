"""Versions follow the order files were loaded: A -> B -> A makes A current again (only a
repeat of the current version is a duplicate), A -> B -> B leaves B; in landing and in the
warehouse."""

from __future__ import annotations

import duckdb
import polars as pl

from ingest import landing
from ingest.schemas import contract
from tests.faults.conftest import cli, ok
from tests.ingestion.helpers import NEW_HOME_HEADERS, load_one, new_home_row, write_csv


def _files(tmp_path, first: str, second: str, third: str, encoding_third: str = "gb18030"):
    """Three later files with contract HT0001 at the given totals (万元); the third in another
    encoding, so its bytes differ even when its record repeats an earlier one."""

    def rows(total: str) -> list[list[str]]:
        return [new_home_row(1, **{"合同总价(万元)": total})]

    return [
        write_csv(tmp_path / "1.csv", NEW_HOME_HEADERS, rows(first)),
        write_csv(tmp_path / "2.csv", NEW_HOME_HEADERS, rows(second)),
        write_csv(tmp_path / "3.csv", NEW_HOME_HEADERS, rows(third), encoding=encoding_third),
    ]


def _current_total(home) -> float:
    current = landing.current_versions(home, contract("new_home"))
    landed = pl.read_parquet(home.landing / "new_home" / "batch_id=b*" / "data.parquet")
    hashes = set(current.get_column("_record_hash"))
    return landed.filter(pl.col("_record_hash").is_in(hashes)).item(0, "total_price_yuan")


def test_a_revert_a_b_a_makes_a_current_again(home, tmp_path):
    batches = [load_one(f, home) for f in _files(tmp_path, "250", "260", "250")]
    assert [(b.loaded, b.duplicates) for b in batches] == [(1, 0), (1, 0), (1, 0)]
    assert _current_total(home) == 2_500_000


def test_a_b_b_counts_the_repeat_of_the_current_version_as_a_duplicate(home, tmp_path):
    batches = [load_one(f, home) for f in _files(tmp_path, "250", "260", "260")]
    assert [(b.loaded, b.duplicates) for b in batches] == [(1, 0), (1, 0), (0, 1)]
    assert _current_total(home) == 2_600_000


def test_a_revert_reaches_the_warehouse(fault_world, tmp_path):
    home = fault_world.copy()
    march = pl.read_csv(fault_world.late, infer_schema=False)
    total = next(c for c in march.columns if c.startswith("合同总价"))
    first = march.head(1)
    key = first.item(0, first.columns[0])
    a = first.item(0, total)
    b = str(round(float(a) * 1.05, 4))
    files = []
    for n, (value, encoding) in enumerate([(b, "utf-8"), (a, "gb18030")], start=1):
        path = tmp_path / f"revert-{n}.csv"
        path.write_bytes(
            first.with_columns(pl.lit(value).alias(total)).write_csv().encode(encoding)
        )
        files.append(path)
    ok(cli(home, "load", str(fault_world.late)))  # A (this contract's amended total)
    for path in files:  # B, then A again
        ok(cli(home, "load", str(path)))
    ok(cli(home, "build"))
    con = duckdb.connect(str(home.build_db), read_only=True)
    try:
        [(current,)] = con.sql(
            "select total_price_yuan from intermediate.int_new_home__contracts_current"
            " where contract_id = ?",
            params=[key],
        ).fetchall()
    finally:
        con.close()
    assert abs(current - float(a) * 10_000) < 1e-6
