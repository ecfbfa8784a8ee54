"""`housewatch build` on a small generated market: marts equal hand computations from landing,
the published database is clean and documented, and readers survive a publish."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import duckdb
import polars as pl
import pytest

from core.settings import Paths, paths
from pipeline.build import build
from pipeline.load import load
from tests.conftest import NO_UNIT_TESTS


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, dict, dict]:
    """The market built once, with the dbt unit tests the rest of the suite leaves out
    (tests/conftest.py): (home, that build's manifest, its run results)."""
    from synthetic import generate

    root = tmp_path_factory.mktemp("warehouse")
    generate(root / "sample", start="2020-01", end="2021-12", scale=0.15)
    home = paths(root / "home")
    load([root / "sample" / "raw"], home)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(NO_UNIT_TESTS)
        build(home)
    target = home.home / "dbt" / "target"  # later builds here overwrite it: read it now
    manifest = json.loads((target / "manifest.json").read_text())
    results = json.loads((target / "run_results.json").read_text())
    return home, manifest, results


@pytest.fixture(scope="module")
def built(first_build) -> Paths:
    return first_build[0]


def test_first_build_ran_every_dbt_unit_test_and_each_passed(first_build):
    _, manifest, results = first_build
    unit_tests = {uid for uid in manifest["unit_tests"] if uid.startswith("unit_test.")}
    statuses = {r["unique_id"]: r["status"] for r in results["results"]}
    assert len(unit_tests) > 0
    assert {uid: statuses.get(uid) for uid in unit_tests} == dict.fromkeys(unit_tests, "pass")


def _current_new_home(home: Paths) -> pl.DataFrame:
    raw = pl.read_parquet(home.landing / "new_home" / "batch_id=b*" / "data.parquet")
    latest = raw.sort("_batch_id", "_row").group_by("contract_id", maintain_order=True).last()
    return latest.filter(
        (pl.col("usage") == "住宅")
        & (pl.col("status") != "已撤销")
        & pl.col("cancel_date").is_null()
    )


def _query(home: Paths, sql: str) -> list[tuple]:
    con = duckdb.connect(str(home.analytics_db), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def test_district_month_average_is_amount_over_area_from_landing(built):
    sales = _current_new_home(built).filter(
        (pl.col("district_code") == "320602") & (pl.col("period_month") == dt.date(2021, 3, 1))
    )
    expected = (len(sales), sales["area_sqm"].sum(), sales["total_price_yuan"].sum())
    [(units, area, amount, avg)] = _query(
        built,
        "select units, area_sqm, amount_yuan, avg_price_yuan_per_sqm from fct_new_home_sales"
        " where period_grain = 'month' and period_start = date '2021-03-01'"
        " and geo_code = '320602' and band_type = 'all'",
    )
    assert units == expected[0]
    assert area == pytest.approx(expected[1])
    assert amount == pytest.approx(expected[2])
    assert avg == pytest.approx(expected[2] / expected[1])


def test_a_quarter_is_the_sum_of_its_months(built):
    [(months, quarter)] = _query(
        built,
        "select sum(units) filter (where period_grain = 'month'),"
        " sum(units) filter (where period_grain = 'quarter')"
        " from fct_new_home_sales where geo_level = 'urban' and band_type = 'all'"
        " and period_start >= date '2021-04-01' and period_start < date '2021-07-01'",
    )
    assert months == quarter


def test_year_on_year_across_a_year_boundary(built):
    rows = dict(
        _query(
            built,
            "select period_start, avg_price_yuan_per_sqm from fct_new_home_sales"
            " where period_grain = 'month' and geo_level = 'city' and band_type = 'all'"
            " and period_start in (date '2020-01-01', date '2021-01-01')",
        )
    )
    [(yoy,)] = _query(
        built,
        "select avg_price_yuan_per_sqm_yoy_pct from fct_new_home_sales where period_grain = 'month'"
        " and geo_level = 'city' and band_type = 'all' and period_start = date '2021-01-01'",
    )
    jan20, jan21 = rows[dt.date(2020, 1, 1)], rows[dt.date(2021, 1, 1)]
    assert yoy == pytest.approx(100 * (jan21 / jan20 - 1))


def test_published_database_holds_only_documented_marts_and_reference(built):
    tables = _query(built, "select schema_name, table_name, comment from duckdb_tables()")
    schemas = {s for s, _, _ in tables}
    assert schemas <= {"main", "reference"}
    names = {t for _, t, _ in tables}
    assert {"fct_new_home_sales", "fct_price_indices", "dim_geography"} <= names
    assert not any(n.startswith(("stg_", "int_")) for n in names)
    undocumented = [t for s, t, c in tables if s == "main" and t.startswith("fct_") and not c]
    assert undocumented == []


def test_status_reports_the_last_publish(built):
    from pipeline.status import status

    last = status(built)["last_build"]
    [(tables,)] = _query(built, "select count(*) from duckdb_tables()")
    assert last["tables"] == tables


def test_no_personal_identifiers_in_the_analytics_database(built):
    columns = {c for (c,) in _query(built, "select column_name from duckdb_columns()")}
    assert not columns & {"buyer_id", "buyer_name", "buyer_phone", "tenant_id", "seller_id"}


def test_a_reader_keeps_working_while_a_build_publishes(built):
    reader = duckdb.connect(str(built.analytics_db), read_only=True)
    before = reader.sql("select count(*) from fct_new_home_sales").fetchall()
    inode = os.stat(built.analytics_db).st_ino
    build(built)  # dbt must not fail on the reader's lock: it writes build.duckdb only
    assert os.stat(built.analytics_db).st_ino != inode
    assert reader.sql("select count(*) from fct_new_home_sales").fetchall() == before
    reader.close()
    assert _query(built, "select count(*) from fct_new_home_sales") == before
    assert not Path(str(built.analytics_db).replace("analytics", "analytics_next")).exists()


def _int_contracts(home: Paths) -> pl.DataFrame:
    con = duckdb.connect(str(home.build_db), read_only=True)
    try:
        return con.sql(
            "select * from intermediate.int_new_home__contracts_current order by contract_id"
        ).pl()
    finally:
        con.close()


def test_incremental_build_applies_a_new_batch_exactly_as_a_full_build(built, tmp_path):
    before = _int_contracts(built)
    victim = before.filter(~pl.col("is_cancelled") & pl.col("is_residential")).row(0, named=True)
    update = pl.DataFrame(
        {
            "contract_id": [victim["contract_id"], "HT-NEW-0001"],
            "unit_id": [victim["unit_id"], "U-NEW-0001"],
            "project_id": [victim["project_id"], victim["project_id"]],
            "district": [victim["district_code"]] * 2,
            "usage": ["住宅", "住宅"],
            "area_sqm": [victim["area_sqm"], 100.0],
            "total_price_yuan": [victim["total_price_yuan"], 2_000_000.0],
            "sign_date": [victim["sign_date"], dt.date(2021, 12, 20)],
            "status": ["已撤销", "已备案"],
            "cancel_date": [dt.date(2021, 12, 28), None],
        }
    )
    update.write_parquet(tmp_path / "2021-12-corrections.parquet")
    report = load([tmp_path / "2021-12-corrections.parquet"], built)
    assert report.batches[0].loaded == 2
    build(built)  # incremental: only the new batch is read
    incremental = _int_contracts(built)
    assert incremental.height == before.height + 1
    changed = incremental.filter(pl.col("contract_id") == victim["contract_id"]).row(0, named=True)
    assert changed["is_cancelled"] and changed["version_count"] == victim["version_count"] + 1
    build(built, full_refresh=True)
    assert _int_contracts(built).equals(incremental)
    # the index history keeps both data vintages, through the full rebuild too
    [(vintages,)] = _query(built, "select count(distinct vintage) from fct_price_index_vintages")
    assert vintages == 2
    [(revised,)] = _query(
        built,
        "select count(*) from fct_price_index_revisions where vintages = 2"
        " and market = 'new_home' and period_start = date '2021-12-01'"
        " and mom_revision_points <> 0",
    )
    assert revised > 0


def test_committed_data_dictionary_is_the_generated_one(built):
    from pipeline.dictionary import data_dictionary

    generated = data_dictionary(built.analytics_db)
    committed = Path(__file__).resolve().parents[2] / "docs" / "DATA_DICTIONARY.md"
    assert (built.reports / "data_dictionary.md").read_text(encoding="utf-8") == generated
    assert committed.read_text(encoding="utf-8") == generated, "run `make docs` after a build"


def test_ytd_index_is_this_years_mean_over_the_same_months_a_year_before(built):
    levels = dict(
        _query(
            built,
            "select period_start, index_value from fct_price_indices where is_headline"
            " and market = 'new_home' and geo_code = '320600U' and band = 'all'"
            " and period_grain = 'month'",
        )
    )
    ytd = {
        (grain, start): (months, value)
        for grain, start, months, value in _query(
            built,
            "select period_grain, period_start, ytd_months, ytd_index from fct_price_index_ytd"
            " where is_headline and market = 'new_home' and geo_code = '320600U'"
            " and band = 'all'",
        )
    }
    jan20, jan21 = levels[dt.date(2020, 1, 1)], levels[dt.date(2021, 1, 1)]
    assert ytd[("month", dt.date(2021, 1, 1))] == (1, pytest.approx(100 * jan21 / jan20))
    march = [levels[dt.date(y, m, 1)] for y in (2021, 2020) for m in (1, 2, 3)]
    by_hand = 100 * (sum(march[:3]) / 3) / (sum(march[3:]) / 3)
    assert ytd[("month", dt.date(2021, 3, 1))] == (3, pytest.approx(by_hand))
    assert ytd[("quarter", dt.date(2021, 1, 1))] == (3, pytest.approx(by_hand))  # reads March
    assert ytd[("month", dt.date(2020, 6, 1))] == (6, None)  # no 2019 in the sample


def test_worst_alert_level_of_a_district_month_from_its_alerts(built):
    levels = {
        level: (severity, order)
        for level, severity, order in _query(
            built, "select level, severity, sort_order from reference.alert_levels"
        )
    }
    alerts: dict[tuple, list[str]] = {}
    for month, district, level in _query(
        built,
        "select period_start, district_code, level from fct_alerts where period_grain = 'month'"
        " and district_code in (select district_code from dim_geography)",
    ):
        alerts.setdefault((month, district), []).append(level)
    status = {
        (month, district): (level, n)
        for month, district, level, n in _query(
            built,
            "select period_start, district_code, worst_level, alert_count"
            " from fct_district_alert_status",
        )
    }
    assert alerts, "the sample raises district alerts"
    for key, raised in alerts.items():
        worst = max(raised, key=lambda lv: (levels[lv][0], -levels[lv][1]))
        assert status[key] == (worst, len(raised)), key
    quiet = [v for k, v in status.items() if k not in alerts]
    assert quiet and set(quiet) == {(None, 0)}
    [(districts, months)] = _query(
        built,
        "select (select count(*) from dim_geography),"
        " (select count(distinct period_start) from fct_data_quality)",
    )
    assert len(status) == districts * months  # every district × month, quiet ones included


def test_near_cap_is_the_larger_cap_share_at_or_above_the_policy_threshold(built):
    # the bank_concentration rules' first alert level (yellow at 95% of a cap; red above 100%)
    [(threshold,)] = _query(
        built,
        "select min(threshold) from reference.alert_thresholds where rule_id in"
        " ('bank_re_loan_concentration', 'bank_personal_housing_concentration')",
    )
    assert threshold == 95.0
    rows = _query(
        built,
        "select period_start, re_loan_cap_used_pct, personal_housing_cap_used_pct,"
        " cap_used_max_pct, is_near_cap, is_above_cap from fct_bank_concentration",
    )
    assert any(near for *_, near, _ in rows)
    for month, re_used, ph_used, used_max, near, above in rows:
        shares = [s for s in (re_used, ph_used) if s is not None]
        assert used_max == (max(shares) if shares else None)
        assert near == (bool(shares) and max(shares) >= threshold), month
        assert near or not above


def test_load_ledger_is_published_without_paths(built):
    from pipeline.status import status

    info = status(built)
    batches = _query(
        built,
        "select batch_id, data_source, file_name, status, rows_read, rows_loaded,"
        " rows_quarantined, rows_duplicate, coalesce(message, '') from fct_load_batches"
        " order by batch_id",
    )
    assert [b[:8] for b in batches] == [
        (b["batch_id"], b["source"], b["file_name"], b["status"], b["read"], b["loaded"],
         b["quarantined"], b["duplicates"])
        for b in info["batches"]
    ]  # fmt: skip
    assert not any(str(built.home.parent) in text for b in batches for text in b[2::6])
    totals = _query(
        built,
        "select data_source, files, rows_read, rows_loaded, rows_quarantined, rows_duplicate,"
        " strftime(first_month, '%Y-%m'), strftime(last_month, '%Y-%m'), quarantine_share_pct"
        " from fct_source_loads order by data_source",
    )
    expected = [
        (source, t["files"], t["read"], t["loaded"], t["quarantined"], t["duplicates"],
         t.get("first_month"), t.get("last_month"))
        for source, t in info["totals"].items()
    ]  # fmt: skip
    assert [t[:8] for t in totals] == expected
    for (*_, share), (_, t) in zip(totals, info["totals"].items(), strict=True):
        assert round(share / 100, 4) == t["quarantine_share"]
