"""The real public files in ../shared/data/real load with no flags, with exact counts.

Expected counts were established independently (csv/json parsing and exact-row counting in plain
Python, see the README of each folder) and are pinned here.
"""

from __future__ import annotations

import polars as pl
import pytest

from tests.ingestion.helpers import landed, load_one, quarantined

REAL = "data/real"


def test_shangrao_bom_crlf_blank_rows_and_packed_fields(home, shared):
    path = shared / REAL / "resale-shangrao-lianjia" / "lianjia—shangrao数据.csv"
    batch = load_one(path, home)
    assert (batch.profile, batch.encoding) == ("lianjia_shangrao_csv", "utf-8-sig")
    assert (batch.read, batch.loaded, batch.quarantined, batch.duplicates) == (1770, 1770, 0, 0)
    assert batch.blank_rows == 1770
    df = landed(home, "resale")
    assert df.get_column("city_code").unique().to_list() == ["361100"]
    assert df.group_by("usage").len().sort("usage").rows() == [("住宅", 1768), ("车位", 2)]
    first = df.filter(pl.col("_row") == 3).row(0, named=True)
    # 龙华世纪城 3室2厅 127.23平米,97,中楼层(共33层) 板楼,7585,南|毛坯,2021.04.01
    assert first["community"] == "龙华世纪城"
    assert first["layout"] == "3室2厅"
    assert first["area_sqm"] == pytest.approx(127.23)
    assert first["total_price_yuan"] == pytest.approx(970_000)
    assert first["total_floors"] == 33
    assert (first["orientation"], first["decoration"]) == ("南", "毛坯")
    assert first["sign_date"].isoformat() == "2021-04-01"
    parking = df.filter(pl.col("usage") == "车位").sort("_row")
    assert parking.get_column("community").to_list() == ["翰园小区", "福达家园"]
    # parking rows list no area: derived from total ÷ unit price (150,000 ÷ 6,548)
    assert parking.get_column("area_sqm").to_list()[0] == pytest.approx(150_000 / 6548)


def test_dalian_month_only_dates_and_exact_duplicates(home, shared):
    folder = shared / REAL / "resale-dalian-lianjia"
    two = load_one(folder / "clustering_two.csv", home)
    three = load_one(folder / "clustering_three.csv", home)
    assert (two.read, two.loaded, two.quarantined, two.duplicates) == (24729, 21075, 0, 3654)
    assert (three.read, three.loaded, three.quarantined, three.duplicates) == (3168, 3084, 0, 84)
    df = landed(home, "resale")
    assert df.get_column("city_code").unique().to_list() == ["210200"]
    assert df.group_by("usage").len().sort("usage").rows() == [("住宅", 24092), ("商业", 67)]
    months = df.get_column("period_month")
    assert (months.min().isoformat(), months.max().isoformat()) == ("2015-07-01", "2019-11-01")
    assert df.filter(pl.col("district").is_null()).height == 0
    assert df.get_column("district_code").null_count() == df.height  # no Dalian gazetteer


def test_dalian_packed_deal_month_takes_the_first(home, shared):
    load_one(shared / REAL / "resale-dalian-lianjia" / "clustering_three.csv", home)
    df = landed(home, "resale")
    # row 83 reads "2018-042017-09": deal month 2018-04, then the listing month
    assert df.filter(pl.col("_row") == 84).get_column("sign_date").to_list()[0].isoformat() == (
        "2018-04-01"
    )


def test_shanghai_and_hangzhou_jsonl(home, shared):
    folder = shared / REAL / "resale-shanghai-hangzhou-jsonl"
    sh = load_one(folder / "sh_lianjia_chengjiao_20161021.json", home)
    hz = load_one(folder / "hz_lianjia_chengjiao_20161021.json", home)
    assert (sh.read, sh.loaded, sh.quarantined) == (90, 90, 0)
    assert (hz.read, hz.loaded, hz.quarantined) == (94, 93, 1)
    q = quarantined(home)
    # HZ line 32 reads total_price "0.028" 万元 for 113㎡ (unit price "2"): a broken record
    assert q.select("row", "reason_code").rows() == [(32, "implausible_unit_price")]
    df = landed(home, "resale")
    assert df.group_by("city_code").len().sort("city_code").rows() == [
        ("310000", 90),
        ("330100", 93),
    ]
    sh1 = df.filter((pl.col("city_code") == "310000") & (pl.col("_row") == 1)).row(0, named=True)
    assert (sh1["contract_id"], sh1["community"], sh1["layout"]) == (
        "sh2024673",
        "千汇苑一村",
        "2室1厅",
    )
    assert (sh1["area_sqm"], sh1["total_price_yuan"], sh1["build_year"]) == (
        80.0,
        1_950_000.0,
        2007,
    )
    assert sh1["total_floors"] == 5
    assert df.filter(pl.col("city_code") == "310000").get_column("build_year").null_count() == 11


def test_one_folder_walk_loads_every_deal_file_and_rejects_the_rest_by_name(home, shared):
    from pipeline.load import load

    report = load([shared / REAL], home)
    loaded = {
        b.file_name: (b.read, b.loaded, b.quarantined, b.duplicates)
        for b in report.batches
        if b.status == "loaded"
    }
    assert loaded == {
        "lianjia—shangrao数据.csv": (1770, 1770, 0, 0),
        "clustering_two.csv": (24729, 21075, 0, 3654),
        "clustering_three.csv": (3168, 3084, 0, 84),
        "sh_lianjia_chengjiao_20161021.json": (90, 90, 0, 0),
        "hz_lianjia_chengjiao_20161021.json": (94, 93, 1, 0),
    }
    # boundaries and NBS tables are not deal files: rejected, each with a one-line reason
    rejected = {b.file_name: b.message for b in report.rejected}
    assert sorted(rejected) == [
        "320000_full.json",
        "320600_full.json",
        "70cityprice_dalian_2015-01_2020-12_extract.csv",
        "HousePriceURL.csv",
    ]
    assert rejected["HousePriceURL.csv"] == (
        "HousePriceURL.csv: cannot tell the source from its headers (标题, 标题链接, 时间);"
        " pass --source or --profile, or run: housewatch profile suggest FILE"
    )
