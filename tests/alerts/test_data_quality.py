"""Data-quality alerts: a monthly source whose file for a month never arrived raises
data_source_missing for that source-month, a file with many blanked required values raises
data_quarantine_share with the share the ledger's counts give, every other source-month stays
quiet, and fct_data_quality reconciles with the ledger.

One 2021 sample at scale 0.1: the new-home file of MISSING_MONTH is deleted and 30% of the rows
of DIRTY_MONTH's file lose their 建筑面积 (a required column) before loading.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import duckdb
import polars as pl
import pytest

from core.settings import Paths, paths
from ingest.ledger import Ledger
from ingest.schemas import contract
from pipeline.build import build
from pipeline.load import load

MISSING_MONTH, DIRTY_MONTH = dt.date(2021, 6, 1), dt.date(2021, 9, 1)
BLANKED_COLUMN = "建筑面积"
BLANKED_PER_TEN = 3  # rows 0, 1, 2 of every ten data rows


def _month_file(raw: Path, month: dt.date) -> Path:
    (found,) = (raw / "new_home").glob(f"*_{month:%Y-%m}.csv")
    return found


def _blank_column(path: Path, prefix: str) -> int:
    """Blank the column whose header starts with `prefix` in 3 of every 10 data rows; returns
    how many rows lost a value."""
    data = path.read_bytes()
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:  # the generator writes some months as GBK exports
        encoding, text = "gb18030", data.decode("gb18030")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = next(i for i, r in enumerate(rows) if any(c.startswith(prefix) for c in r))
    column = next(j for j, c in enumerate(rows[header]) if c.startswith(prefix))
    blanked = 0
    for n, row in enumerate(rows[header + 1 :]):
        if n % 10 < BLANKED_PER_TEN and len(row) > column and row[column].strip():
            row[column] = ""
            blanked += 1
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return blanked


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, int]:
    from synthetic import generate

    root = tmp_path_factory.mktemp("data_quality")
    generate(root / "sample", start="2021-01", end="2021-12", scale=0.1)
    raw = root / "sample" / "raw"
    _month_file(raw, MISSING_MONTH).unlink()
    blanked = _blank_column(_month_file(raw, DIRTY_MONTH), BLANKED_COLUMN)
    home = paths(root / "home")
    load([raw], home)
    build(home)
    return home, blanked


def _query(home: Paths, sql: str) -> pl.DataFrame:
    con = duckdb.connect(str(home.analytics_db), read_only=True)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


def _data_quality_alerts(home: Paths) -> pl.DataFrame:
    return _query(
        home,
        "select rule_id, entity_id, period_start, level, observed_value, explanation_zh,"
        " explanation_en from fct_alerts where rule_family = 'data_quality'"
        " order by rule_id, entity_id, period_start",
    )


def _landed_by_batch_month(home: Paths) -> pl.DataFrame:
    files = sorted((home.landing / "new_home").glob("batch_id=b*/data.parquet"))
    return (
        pl.scan_parquet(files)
        .group_by("_batch_id", "period_month")
        .agg(pl.len().alias("records"))
        .collect()
    )


def test_the_published_expectations_are_the_contracts_delivery_blocks(faulty):
    home, _ = faulty
    con = duckdb.connect(str(home.analytics_db), read_only=True)
    try:
        rows = con.sql(
            "select data_source, name_zh, expected_cadence, valid_from"
            " from reference.data_source_expectations order by data_source"
        ).fetchall()
    finally:
        con.close()
    assert [r[0] for r in rows] == [
        "construction", "credit", "developer_finance", "escrow_agreement", "escrow_statement",
        "land", "new_home", "presale", "rental", "resale", "stock",
    ]  # fmt: skip
    for source, name_zh, _, valid_from in rows:
        assert name_zh == contract(source).title_zh
        assert valid_from == dt.date(2016, 1, 1)
    monthly = {r[0] for r in rows if r[2] == "monthly"}
    assert monthly == {"new_home", "resale", "rental", "credit", "stock", "escrow_statement"}


def test_only_the_missing_and_the_dirty_month_alert(faulty):
    home, _ = faulty
    alerts = _data_quality_alerts(home)
    assert alerts.select("rule_id", "entity_id", "period_start", "level").rows() == [
        ("data_quarantine_share", "new_home", DIRTY_MONTH, "red"),
        ("data_source_missing", "new_home", MISSING_MONTH, "red"),
    ]


def test_missing_month_is_measured_against_the_five_months_before(faulty):
    home, _ = faulty
    landed = _landed_by_batch_month(home)
    per_month = dict(landed.group_by("period_month").agg(pl.sum("records")).iter_rows())
    before = [per_month[dt.date(2021, m, 1)] for m in range(1, 6)]
    left_over = per_month.get(MISSING_MONTH, 0)  # later cancellation versions of June contracts
    expected = 100.0 * left_over / (sum(before) / len(before)) if left_over else 0.0
    assert expected < 10

    alert = (
        _data_quality_alerts(home)
        .filter(pl.col("rule_id") == "data_source_missing")
        .row(0, named=True)
    )
    assert alert["observed_value"] == pytest.approx(expected, rel=1e-9)
    assert alert["explanation_zh"].startswith(
        "数据源 新建商品房网签备案合同 2021-06 当月记录数/前12个月月均 "
    )
    assert "低于 10%（红色，当月数据未交付" in alert["explanation_zh"]
    assert "below 10% (red: delivery missing" in alert["explanation_en"]


def test_quarantine_share_of_the_dirty_month_follows_the_ledger(faulty):
    home, blanked = faulty
    batches = {b.batch_id: b for b in Ledger(home.ledger).batches() if b.source == "new_home"}
    dirty = next(b for b in batches.values() if b.file_name.endswith(f"{DIRTY_MONTH:%Y-%m}.csv"))
    assert dirty.reasons.get("missing_required", 0) >= blanked > 0.29 * dirty.read

    # the month's share: each file's read and quarantined rows weighted by the share of its
    # landed records that belong to the month (the dirty file itself, later amendments of it)
    landed = _landed_by_batch_month(home)
    totals = dict(landed.group_by("_batch_id").agg(pl.sum("records")).iter_rows())
    quarantined = read = 0.0
    for batch_id, month, records in landed.iter_rows():
        if month == DIRTY_MONTH:
            weight = records / totals[batch_id]
            quarantined += batches[batch_id].quarantined * weight
            read += batches[batch_id].read * weight
    expected = 100.0 * quarantined / read
    assert 25 < expected < 40  # 30% blanked plus the sample's own ~1% dirt, after amendments

    alert = (
        _data_quality_alerts(home)
        .filter(pl.col("rule_id") == "data_quarantine_share")
        .row(0, named=True)
    )
    assert alert["observed_value"] == pytest.approx(expected, rel=1e-9)
    assert "高于 20%（红色" in alert["explanation_zh"]


def test_fct_data_quality_reconciles_with_the_ledger(faulty):
    home, _ = faulty
    ledger: dict[str, list[int]] = {}
    for b in Ledger(home.ledger).batches():
        if b.status == "loaded" and not (b.source or "").startswith("ref_"):
            sums = ledger.setdefault(b.source, [0, 0, 0])
            sums[0], sums[1], sums[2] = (
                sums[0] + b.loaded,
                sums[1] + b.read,
                sums[2] + b.quarantined,
            )
    mart = _query(
        home,
        "select data_source, sum(records_landed) as loaded, sum(rows_read_attributed) as read,"
        " sum(rows_quarantined_attributed) as quarantined from fct_data_quality group by 1",
    )
    assert set(mart["data_source"]) == set(ledger)
    for source, loaded, read, quarantined in mart.iter_rows():
        assert loaded == ledger[source][0], source
        assert read == pytest.approx(ledger[source][1], abs=1e-6), source
        assert quarantined == pytest.approx(ledger[source][2], abs=1e-6), source
    months = _query(
        home,
        "select count(*) as n, min(period_start) as first, max(period_start) as last"
        " from fct_data_quality where data_source = 'new_home'",
    ).row(0)
    assert months == (12, dt.date(2021, 1, 1), dt.date(2021, 12, 1))
