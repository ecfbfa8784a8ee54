"""The saleable-stock snapshot (可售存量月报), the source added by a contract alone: a bureau
export in a shape the generator never writes loads with exact counts, and the exports `housewatch
build` writes for the data-quality marts list it and count its batch's months."""

from __future__ import annotations

import datetime as dt

import polars as pl

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
        "credit", "land", "new_home", "presale", "rental", "resale", "stock",
    ]  # fmt: skip
    months = pl.read_parquet(home.landing / BATCH_MONTHS_EXPORT)
    assert months.rows() == [
        ("stock", batch.batch_id, dt.date(2024, 3, 1), 4),
        ("stock", batch.batch_id, dt.date(2024, 4, 1), 4),
    ]
