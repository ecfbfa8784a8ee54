"""The saleable-stock snapshot (可售存量月报), the source added by a contract alone: a bureau
export in a shape the generator never writes loads with exact counts, and the exports `housewatch
build` writes for the data-quality marts list it and count its batch's months."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from core.errors import UserError
from ingest.landing import BATCH_MONTHS_EXPORT, SOURCES_EXPORT, export_ledger
from tests.ingestion.exports import stock_snapshot_gbk
from tests.ingestion.helpers import landed, load_one, quarantined


def test_a_gbk_snapshot_with_its_own_headers_loads_with_exact_counts(home, tmp_path):
    export = stock_snapshot_gbk(tmp_path)
    batch = load_one(export.path, home)
    assert (batch.source, batch.status, batch.encoding) == ("stock", "loaded", "gb18030")
    # 10 rows read = 8 loaded + 1 quarantined (units -12) + 1 duplicate (the repeated first row)
    assert (batch.read, batch.loaded, batch.quarantined, batch.duplicates) == (10, 8, 1, 1)
    assert batch.reasons == {"out_of_range": 1}
    assert batch.unknown_columns == ["备注"]
    frame = landed(home, "stock").sort("district_code", "period_month")
    first = frame.row(0, named=True)  # 开发区 2024-03: 1303 units on 15.35 万㎡
    assert first["district_code"] == "320600K01"
    assert (first["period_month"], first["saleable_units"]) == (dt.date(2024, 3, 1), 1303)
    assert first["saleable_area_sqm"] == 153_500.0
    assert frame.group_by("period_month").len().sort("period_month").rows() == [
        (dt.date(2024, 3, 1), 4),
        (dt.date(2024, 4, 1), 4),
    ]
    assert quarantined(home).height == 1


def test_the_build_exports_list_the_source_and_count_its_months(home, tmp_path):
    batch = load_one(stock_snapshot_gbk(tmp_path).path, home)
    export_ledger(home)
    sources = pl.read_parquet(home.landing / SOURCES_EXPORT)
    stock = sources.filter(pl.col("data_source") == "stock").row(0, named=True)
    assert (stock["name_zh"], stock["expected_cadence"]) == ("商品住宅可售存量月报", "monthly")
    assert stock["valid_from"] == dt.date(2016, 1, 1) and stock["valid_to"] is None
    assert sources.get_column("data_source").sort().to_list() == [
        "construction", "credit", "developer_finance", "escrow_agreement", "escrow_statement",
        "land", "new_home", "presale", "rental", "resale", "stock",
    ]  # fmt: skip
    months = pl.read_parquet(home.landing / BATCH_MONTHS_EXPORT)
    assert months.rows() == [
        ("stock", batch.batch_id, dt.date(2024, 3, 1), 4),
        ("stock", batch.batch_id, dt.date(2024, 4, 1), 4),
    ]


def test_a_partition_no_committed_batch_owns_is_not_counted(home, tmp_path):
    """A load killed after renaming its partition into place but before the ledger commit leaves
    files the ledger never vouched for: the month counts leave them out, as the staging does."""
    batch = load_one(stock_snapshot_gbk(tmp_path).path, home)
    committed = home.landing / "stock" / f"batch_id={batch.batch_id}" / "data.parquet"
    orphan = home.landing / "stock" / "batch_id=b9999999" / "data.parquet"
    orphan.parent.mkdir(parents=True)
    pl.read_parquet(committed).with_columns(_batch_id=pl.lit("b9999999")).write_parquet(orphan)
    export_ledger(home)
    months = pl.read_parquet(home.landing / BATCH_MONTHS_EXPORT)
    assert months.get_column("batch_id").unique().to_list() == [batch.batch_id]
    assert months.get_column("records_landed").sum() == 8


@pytest.mark.parametrize(
    ("delivery", "message"),
    [
        (
            "delivery:\n  name_en: Stock\n  expectations:\n"
            "    - {cadence: monthly, valid_from: 2016-01-01, source: x}\n",
            "contract stock2: delivery lacks affects_zh, affects_en",
        ),
        (
            "delivery:\n  name_en: Stock\n  affects_zh: 甲\n  affects_en: a\n  expectations:\n"
            "    - {cadence: weekly, valid_from: 2016-01-01, source: x}\n",
            "contract stock2: delivery cadence 'weekly' is not one of ('monthly', 'irregular')",
        ),
        (
            "delivery:\n  name_en: Stock\n  affects_zh: 甲\n  affects_en: a\n  expectations:\n"
            "    - {cadence: monthly, source: x}\n",
            "contract stock2: each delivery expectation needs a valid_from date and a source",
        ),
    ],
)
def test_a_bad_delivery_block_is_one_line_naming_the_contract(tmp_path, delivery, message):
    from ingest.schemas import CONTRACTS_DIR, _load

    text = (CONTRACTS_DIR / "stock.yml").read_text(encoding="utf-8")
    start = text.index("delivery:")
    end = text.index("columns:")
    path = tmp_path / "stock2.yml"
    path.write_text(
        text[:start].replace("source: stock", "source: stock2") + delivery + text[end:],
        encoding="utf-8",
    )
    with pytest.raises(UserError) as caught:
        _load(path)
    assert str(caught.value) == message
