"""A bureau that delivers only some of its sources still gets a warehouse, a dashboard and a
brief: four deliveries, built whatever the number of sources, between them leave every source
of the registry out at least once.

Each case builds and publishes; every missing source is said where an analyst looks (a red
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

# The registry's fact sources, the four deliveries built (case -> the sources it delivers) and,
# for each source, the first case that leaves it out (None: no case does, and
# test_every_source_is_left_out_somewhere_and_said_missing_there fails for it). A source new to
# the registry is left out of the two only_* cases by construction:
#   new_home -> without_new_home          resale -> without_resale
#   credit, land, presale, rental, stock, the escrow, construction and developer sources (and
#   any new source) -> only_new_home_and_resale
SOURCES = tuple(c.source for c in fact_sources())
CASES = {
    "without_new_home": tuple(s for s in SOURCES if s != "new_home"),
    "without_resale": tuple(s for s in SOURCES if s != "resale"),
    "only_new_home_and_resale": ("new_home", "resale"),
    "only_new_home": ("new_home",),
}
LEFT_OUT = {s: next((c for c in CASES if s not in CASES[c]), None) for s in SOURCES}
MAIN = str(Path(__file__).resolve().parents[2] / "app" / "dashboard" / "main.py")
PAGES = ("new_homes", "resale", "rental", "land", "credit", "supply", "alerts", "escrow",
         "assessment", "indices", "sql", "status")  # fmt: skip
NAMES_ZH = {"new_home": "新建商品房网签备案合同", "resale": "存量房（二手房）网签合同",
            "rental": "住房租赁合同备案", "presale": "商品房预售许可", "land": "土地出让成交",
            "credit": "金融机构房地产信贷月报", "stock": "商品住宅可售存量月报",
            "escrow_agreement": "商品房预售资金监管协议",
            "escrow_statement": "预售资金监管账户月报", "construction": "工程形象进度",
            "developer_finance": "重点房地产企业资金监测季报"}  # fmt: skip


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


def _latest_month(home: Path) -> str:
    return _frame(home, "select max(period_start) as m from fct_data_quality")["m"][0]


@pytest.fixture(scope="module")
def rendered(built, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Every case's dashboard rendered page by page and its 2024-06 brief written, once:
    case -> {exceptions: page -> messages, status: the status page's warnings, brief: the
    brief's data notes, pdf: the PDF's size in bytes or None}."""
    from housewatch.steps import write_brief_files

    out = {}
    for case, home in built.items():
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("HOUSEWATCH_HOME", str(home))
            warehouse.clear_cache()
            at = AppTest.from_file(MAIN, default_timeout=90)
            at.session_state["lang"] = "zh"
            at.run()
            exceptions = {"overview": [e.message for e in at.exception]}
            for page in PAGES:
                at.switch_page(f"pages/{page}.py").run()
                exceptions[page] = [e.message for e in at.exception]
            shown = " ".join(w.value for w in at.warning)  # the status page, rendered last
            briefs = tmp_path_factory.mktemp(f"brief_{case}")
            pdf = case == "only_new_home"
            write_brief_files("2024-06", "html,md,pdf" if pdf else "html,md", briefs)
            text = (briefs / "brief-2024-06.md").read_text(encoding="utf-8")
            notes = text.split("**数据说明**")[1].split("## ")[0]
            size = (briefs / "brief-2024-06.pdf").stat().st_size if pdf else None
        out[case] = {"exceptions": exceptions, "status": shown, "brief": notes, "pdf": size}
    warehouse.clear_cache()
    return out


def test_every_source_of_the_registry_is_left_out_by_some_case():
    assert sorted(s for s in LEFT_OUT if LEFT_OUT[s] is None) == []
    assert {c.source for c in fact_sources()} == set(LEFT_OUT) == set(NAMES_ZH)


@pytest.mark.parametrize("source", SOURCES)
def test_every_source_is_left_out_somewhere_and_said_missing_there(built, rendered, source):
    case = LEFT_OUT[source]
    assert case is not None, f"no case of CASES leaves {source} out: add one"
    home = built[case]
    latest = _latest_month(home)
    [(delivered, message)] = _frame(
        home,
        "select source_delivered, gap_message_zh from fct_data_quality "
        f"where period_start = '{latest}' and data_source = '{source}'",
    ).rows()
    assert delivered is False
    assert message.startswith(f"本月未收到{NAMES_ZH[source]}数据（尚未交付）")
    alerts = _frame(
        home,
        "select level from fct_alerts where rule_id = 'data_source_missing' "
        f"and period_start = '{latest}' and entity_id = '{source}'",
    )
    assert alerts["level"].to_list() == ["red"]
    assert f"本月未收到{NAMES_ZH[source]}数据" in rendered[case]["status"]
    assert f"本月未收到{NAMES_ZH[source]}数据（尚未交付）" in rendered[case]["brief"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_missing_source_is_said_and_the_rest_publishes(built, case):
    home = built[case]
    latest = _latest_month(home)
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


@pytest.mark.parametrize("case", [c for c in CASES if "presale" not in CASES[c]])
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
    ratio to the new-home price, which needs both): equal in every case that delivers them."""
    order = "period_grain, period_start, geo_level, geo_code, band_type, band"
    for table, drop, needs in (
        ("fct_new_home_sales", "", "new_home"),
        ("fct_resale_sales", "exclude (new_home_avg_price_yuan_per_sqm, new_to_resale_price_ratio)",
         "resale"),
    ):  # fmt: skip
        sql = f"select * {drop} from {table} order by {order}"
        cases = [c for c in CASES if needs in CASES[c]]
        # the one with the most sources stands for the full warehouse; another leaves out more
        assert len(cases) >= 2 and len(CASES[cases[0]]) == len(SOURCES) - 1, cases
        frames = [_frame(built[c], sql) for c in cases]
        assert frames[0].height > 0
        for other in frames[1:]:
            assert_frame_equal(frames[0], other, check_exact=False, rel_tol=1e-12)


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_page_renders_and_the_brief_writes(rendered, case):
    for page, messages in rendered[case]["exceptions"].items():
        assert messages == [], (case, page, messages)
    for source in _missing(case):
        assert f"本月未收到{NAMES_ZH[source]}数据" in rendered[case]["status"]
        assert f"本月未收到{NAMES_ZH[source]}数据（尚未交付）" in rendered[case]["brief"]
    if case == "only_new_home":
        assert rendered[case]["pdf"] > 10_000
