"""A bureau that delivers only some of its sources still gets a warehouse, a dashboard and a
brief: each source left out in turn, and new-home contracts with the reference tables alone.

Each case builds and publishes; the missing source is said where an analyst looks (a red
data_source_missing alert, fct_data_quality's gap message, the data-status page, the brief);
the figures that do not depend on it equal those of a warehouse that has it; every dashboard
page renders and the brief writes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from streamlit.testing.v1 import AppTest

from core.settings import paths as home_paths
from ingest.schemas import fact_sources
from pipeline.build import build
from pipeline.load import load
from serving import warehouse
from synthetic import generate

SOURCES = tuple(c.source for c in fact_sources())  # the registry: every fact contract
CASES = {f"without_{s}": tuple(x for x in SOURCES if x != s) for s in SOURCES} | {
    "only_new_home": ("new_home",)
}
MAIN = str(Path(__file__).resolve().parents[2] / "app" / "dashboard" / "main.py")
PAGES = ("new_homes", "resale", "rental", "land", "credit", "supply", "alerts", "escrow",
         "assessment", "indices", "sql", "status")  # fmt: skip
NAMES_ZH = {"new_home": "新建商品房网签备案合同", "resale": "存量房（二手房）网签合同",
            "rental": "住房租赁合同备案", "presale": "商品房预售许可", "land": "土地出让成交",
            "credit": "金融机构房地产信贷月报", "stock": "商品住宅可售存量月报"}  # fmt: skip


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("partial_market")
    generate(out, start="2023-01", end="2024-06", scale=0.03, seed=11)
    return out / "raw"


@pytest.fixture(scope="module")
def built(raw: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every case loaded and built once: case -> HOUSEWATCH_HOME."""
    homes = {}
    for case, sources in CASES.items():
        home = home_paths(tmp_path_factory.mktemp(case))
        report = load([raw / s for s in (*sources, "reference")], home)
        assert not report.rejected, [b.message for b in report.rejected]
        build(home)
        homes[case] = home.home
    return homes


def _frame(home: Path, sql: str) -> pl.DataFrame:
    con = duckdb.connect(str(home / "analytics.duckdb"), read_only=True)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


def _missing(case: str) -> list[str]:
    return [s for s in SOURCES if s not in CASES[case]]


@pytest.mark.parametrize("case", sorted(CASES))
def test_missing_source_is_said_and_the_rest_publishes(built, case):
    home = built[case]
    latest = _frame(home, "select max(period_start) as m from fct_data_quality")["m"][0]
    quality = _frame(
        home,
        "select data_source, source_delivered, gap_message_zh from fct_data_quality "
        f"where period_start = '{latest}' order by data_source",
    )
    missing = _missing(case)
    assert quality.filter(~pl.col("source_delivered"))["data_source"].sort().to_list() == sorted(
        missing
    )
    for source in missing:
        message = quality.filter(pl.col("data_source") == source)["gap_message_zh"][0]
        assert message.startswith(f"本月未收到{NAMES_ZH[source]}数据（尚未交付）")
    assert quality.filter(pl.col("source_delivered"))["gap_message_zh"].null_count() == len(
        CASES[case]
    )
    alerts = _frame(
        home,
        "select entity_id, level from fct_alerts where rule_id = 'data_source_missing' "
        f"and period_start = '{latest}'",
    )
    assert sorted(alerts["entity_id"].to_list()) == sorted(missing)
    assert set(alerts["level"]) <= {"red"}


@pytest.mark.parametrize("case", ["without_presale", "only_new_home"])
def test_months_of_supply_without_permits_is_not_computable_never_negative(built, case):
    supply = _frame(
        built[case],
        "select months_of_supply_12m_months, saleable_stock_area_sqm, supply_gap_reason, "
        "sold_units from fct_housing_supply",
    )
    assert supply.height > 0 and supply["sold_units"].sum() > 0  # sales are still counted
    assert supply["months_of_supply_12m_months"].null_count() == supply.height
    assert supply["saleable_stock_area_sqm"].null_count() == supply.height
    assert set(supply["supply_gap_reason"]) == {"no_permit_data"}


def test_figures_that_do_not_need_the_missing_source_are_unchanged(built):
    """New-home sales need only contracts; resale sales only resale contracts (but for their
    ratio to the new-home price, which needs both)."""
    order = "period_grain, period_start, geo_level, geo_code, band_type, band"
    for table, drop, cases in (
        ("fct_new_home_sales", "", ("without_credit", "without_resale", "without_presale",
                                    "only_new_home")),
        ("fct_resale_sales", "exclude (new_home_avg_price_yuan_per_sqm, new_to_resale_price_ratio)",
         ("without_credit", "without_new_home", "without_land")),
    ):  # fmt: skip
        sql = f"select * {drop} from {table} order by {order}"
        frames = [_frame(built[c], sql) for c in cases]
        assert frames[0].height > 0
        for other in frames[1:]:
            assert_frame_equal(frames[0], other, check_exact=False, rel_tol=1e-12)


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_page_renders_and_the_brief_writes(built, case, monkeypatch, tmp_path):
    from housewatch.steps import write_brief_files

    monkeypatch.setenv("HOUSEWATCH_HOME", str(built[case]))
    warehouse.clear_cache()
    at = AppTest.from_file(MAIN, default_timeout=90)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, (case, "overview", [e.message for e in at.exception])
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (case, page, [e.message for e in at.exception])
    shown = " ".join(w.value for w in at.warning)  # the status page, rendered last
    for source in _missing(case):
        assert f"本月未收到{NAMES_ZH[source]}数据" in shown
    formats = "html,md,pdf" if case == "only_new_home" else "html,md"
    write_brief_files("2024-06", formats, tmp_path)
    text = (tmp_path / "brief-2024-06.md").read_text(encoding="utf-8")
    notes = text.split("**数据说明**")[1].split("## ")[0]
    for source in _missing(case):
        assert f"本月未收到{NAMES_ZH[source]}数据（尚未交付）" in notes
    if case == "only_new_home":
        assert (tmp_path / "brief-2024-06.pdf").stat().st_size > 10_000
