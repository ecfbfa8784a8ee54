"""The generated sample market loads completely, and the loader finds exactly the dirty rows the
generator planted: no more (false alarms), no fewer (silent losses)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from core.settings import Paths
from ingest.profiles import header_recogniser
from ingest.readers import read_table
from ingest.schemas import fact_sources
from pipeline.load import LoadReport


@pytest.fixture(scope="module")
def market(ten_year_market) -> tuple[Path, Paths, LoadReport]:
    return ten_year_market


def test_every_raw_file_loads_and_counts_reconcile(market):
    sample, _, report = market
    raw_files = sorted(
        p for p in (sample / "raw").rglob("*") if p.is_file() and not p.name.startswith(".")
    )
    assert len(report.batches) == len(raw_files)
    assert report.rejected == []
    for b in report.batches:
        assert b.read == b.loaded + b.quarantined + b.duplicates, b.file_name
    sources = {b.source for b in report.batches}
    assert {c.source for c in fact_sources()} <= sources
    assert {s for s in sources if s.startswith("ref_")} == {
        "ref_districts", "ref_blocks", "ref_control_targets", "ref_rental_guide_prices",
        "ref_plan_targets", "ref_income_population", "ref_banks",
    }  # fmt: skip


def _first_data_row(sample: Path, file: str) -> int:
    table = read_table(sample / "raw" / file, header_recogniser())
    return int(table.frame.get_column("_row").min())


def test_quarantine_holds_exactly_the_planted_dirty_rows(market):
    sample, home, _ = market
    truth = pl.read_csv(sample / "truth" / "dirty_rows.csv", infer_schema=False)
    planted = truth.filter(pl.col("expected_outcome") == "quarantine")
    first_rows = {f: _first_data_row(sample, f) for f in planted.get_column("file").unique()}
    expected = sorted(
        (Path(f).name, first_rows[f] + int(r) - 1) for f, r in planted.select("file", "row").rows()
    )
    q = pl.read_parquet(home.quarantine / "*.parquet")
    found = sorted(q.select("file_name", "row").rows())
    assert found == expected


def test_duplicates_are_exactly_the_planted_repeats(market):
    sample, _, report = market
    truth = pl.read_csv(sample / "truth" / "dirty_rows.csv", infer_schema=False)
    planted = truth.filter(pl.col("expected_outcome") == "duplicate").height
    assert sum(b.duplicates for b in report.batches) == planted


def test_no_identity_numbers_or_phones_reach_landing(market):
    _, home, _ = market
    id_number = re.compile(r"\b\d{17}[\dXx]\b")
    phone = re.compile(r"\b1[3-9]\d{9}\b")
    for path in home.landing.rglob("*.parquet"):
        df = pl.read_parquet(path)
        text = df.select(pl.col(pl.String)).write_csv()
        assert not id_number.search(text), path
        assert not phone.search(text), path
    q = pl.read_parquet(home.quarantine / "*.parquet").write_csv()
    assert not id_number.search(q) and not phone.search(q)
