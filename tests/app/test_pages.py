"""Every dashboard page rendered server-side (AppTest) on the shared ten-year sample warehouse:
no exception, headline values equal to the warehouse's own figures, the language switch, a
review that survives a rebuild, a build + publish while the app reads, and no personal data."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from app import fmt
from serving import reviews, warehouse

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "dashboard" / "main.py")
PAGES = ("new_homes", "resale", "rental", "land", "credit", "supply", "alerts", "assessment",
         "indices", "sql", "status")  # fmt: skip
ID_NUMBER = r"(^|[^0-9])[1-9][0-9]{16}[0-9Xx]([^0-9]|$)"  # 18-digit resident ID (GB 11643)


@pytest.fixture(scope="module")
def home(ten_year_warehouse, request: pytest.FixtureRequest):
    _, paths = ten_year_warehouse
    mp = pytest.MonkeyPatch()
    mp.setenv("HOUSEWATCH_HOME", str(paths.home))
    request.addfinalizer(mp.undo)
    warehouse.clear_cache()
    return paths


def one(sql: str, paths, params: list | None = None):
    con = duckdb.connect(str(paths.analytics_db), read_only=True)
    try:
        return con.sql(sql, params=params).fetchall()[0] if params else con.sql(sql).fetchall()[0]
    finally:
        con.close()


def open_page(page: str | None = None, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    if page:
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_headlines_are_the_warehouse_figures(home) -> None:
    at = open_page()
    month, units, price = one(
        "select period_start, units, avg_price_yuan_per_sqm from fct_new_home_sales "
        "where period_grain = 'month' and geo_level = 'city' and band_type = 'all' "
        "order by period_start desc limit 1",
        home,
    )
    (mom,) = one(
        "select mom_index from fct_price_indices where market = 'new_home' and is_headline "
        "and band = 'all' and geo_level = 'city' and period_grain = 'month' "
        "and period_start = ?",
        home, [month],
    )  # fmt: skip
    (red,) = one(
        "select count(*) from fct_alerts where period_grain = 'month' and period_start = ?",
        home, [month],
    )  # fmt: skip
    shown = metrics(at)
    assert shown["新房成交套数"] == fmt.count(units)
    assert shown["新房成交均价"] == fmt.price(price)
    assert shown["新房价格指数"] == fmt.index_value(mom)
    assert any(fmt.month_label(month) in c.value for c in at.caption)
    lights = at.dataframe[0].value
    assert len(lights) == 10  # every district of dim_geography, with its signal
    assert red >= 0


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(home, page: str) -> None:
    at = open_page(page)
    assert at.title, page


def test_new_homes_city_month_matches_the_mart(home) -> None:
    at = open_page("new_homes")
    units, area = one(
        "select units, area_sqm from fct_new_home_sales where period_grain = 'month' "
        "and geo_level = 'city' and band_type = 'all' order by period_start desc limit 1",
        home,
    )
    shown = metrics(at)
    assert shown["成交套数"] == fmt.count(units, "")
    assert shown["成交面积"] == fmt.area_wan(area)
    at.selectbox(key="new_homes_grain").set_value("year").run()
    assert not at.exception
    (year_units,) = one(
        "select units from fct_new_home_sales where period_grain = 'year' "
        "and geo_level = 'city' and band_type = 'all' order by period_start desc limit 1",
        home,
    )
    assert metrics(at)["成交套数"] == fmt.count(year_units, "")


def test_language_switch_to_english(home) -> None:
    at = open_page()
    assert at.title[0].value.startswith("总览")
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value.startswith("Overview")
    assert "New-home units sold" in metrics(at)


def test_sql_page_runs_and_refuses(home) -> None:
    at = open_page("sql")
    (n,) = one("select count(*) from fct_alerts", home)
    at.text_area(key="sql_text").set_value("select count(*) as n from fct_alerts").run()
    at.button(key="sql_run").click().run()
    assert not at.exception
    assert at.dataframe[-1].value["n"].tolist() == [n]
    at.text_area(key="sql_text").set_value("select * from read_csv('/etc/passwd')").run()
    at.button(key="sql_run").click().run()
    assert "read_csv() is not allowed" in at.error[0].value
    assert any("HMAC" in i.value for i in at.info)


def _alert_with_evidence(paths) -> tuple[str, int, str]:
    return one(
        "select a.alert_id, count(*), any_value(e.evidence_id) from fct_alerts a "
        "join fct_alert_evidence e using (alert_id) "
        "where a.level in ('red', 'orange', 'yellow') and a.period_start > "
        "(select max(period_start) from fct_alerts) - interval 11 month "
        "group by a.alert_id order by count(*) desc, a.alert_id limit 1",
        paths,
    )


def test_alert_evidence_review_survive_a_rebuild_while_the_app_reads(home) -> None:
    from pipeline.build import build

    alert_id, n_evidence, evidence_id = _alert_with_evidence(home)
    at = open_page("alerts")
    at.selectbox(key="al_chosen").set_value(alert_id).run()
    assert not at.exception
    evidence = [d.value for d in at.dataframe if "evidence_id" in d.value.columns]
    assert len(evidence[0]) == n_evidence and evidence_id in evidence[0]["evidence_id"].tolist()
    at.button(key=f"ack_{alert_id}").click().run()
    at.text_input(key="reviewer").set_value("王分析").run()
    form = next(ta for ta in at.text_area if ta.label == "意见")
    form.set_value("已联系开发商核实")
    next(sb for sb in at.selectbox if sb.label == "状态").set_value("resolved")
    at.button[-1].click().run()  # the form's submit button
    past = reviews.history(alert_id, home.home)
    assert past["status"].to_list() == ["resolved", "acknowledged"]
    assert past["comment"].to_list()[0] == "已联系开发商核实"

    before = warehouse.version()
    errors: list[BaseException] = []

    def rebuild() -> None:
        try:
            build(home)
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=rebuild)
    worker.start()
    reads = 0
    while worker.is_alive():  # the app keeps reading the published file during the build
        warehouse.clear_cache()
        assert warehouse.query("select count(*) as n from fct_alerts").item() > 0
        reads += 1
    worker.join()
    assert not errors, errors
    assert reads > 0 and warehouse.version() != before
    after = open_page("alerts")
    after.selectbox(key="al_chosen").set_value(alert_id).run()
    assert not after.exception
    shown = [d.value for d in after.dataframe if "comment" in d.value.columns]
    assert "已联系开发商核实" in shown[0]["comment"].tolist()
    listing = after.dataframe[0].value
    assert listing.loc[listing["alert_id"] == alert_id, "状态"].tolist() == ["已办结"]


def test_no_resident_id_number_in_any_published_table(home) -> None:
    con = duckdb.connect(str(home.analytics_db), read_only=True)
    try:
        columns = con.sql(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where data_type = 'VARCHAR'"
        ).fetchall()
        assert len(columns) > 100
        hits = []
        for schema, table, column in columns:
            found = con.sql(
                f'select count(*) from {schema}.{table} where regexp_matches("{column}", ?)',
                params=[ID_NUMBER],
            ).fetchall()[0][0]
            if found:
                hits.append(f"{schema}.{table}.{column}: {found}")
        buyers = con.sql(
            "select evidence_id from fct_alert_evidence where evidence_type = 'buyer' limit 50"
        ).fetchall()
    finally:
        con.close()
    assert hits == []
    assert all(re.fullmatch(r"[0-9a-f]{16,64}", b) for (b,) in buyers), buyers[:3]
    assert re.search(ID_NUMBER, "buyer 32060219900101123X paid")  # the pattern does catch one
