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
PAGES = ("new_homes", "resale", "rental", "land", "credit", "supply", "alerts", "escrow",
         "assessment", "indices", "sql", "status")  # fmt: skip
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


def test_overview_lights_are_each_districts_worst_level_from_the_mart(home) -> None:
    from app import charts

    at = open_page()
    con = duckdb.connect(str(home.analytics_db), read_only=True)
    try:
        month = con.sql(
            "select max(period_start) from fct_new_home_sales where period_grain = 'month'"
        ).fetchall()[0][0]
        expected = con.sql(
            "select district_name, worst_level, alert_count from fct_district_alert_status "
            "where period_start = ? order by district_sort_order",
            params=[month],
        ).fetchall()
    finally:
        con.close()
    lights = at.dataframe[0].value
    shown = list(zip(lights["区县"], lights["等级"], lights["预警"], strict=True))
    assert shown == [
        (name, f"● {charts.level_name(level or 'green')}", n) for name, level, n in expected
    ]
    assert any(level for _, level, _ in expected), "the latest month has a district alert"


def test_status_page_shows_the_published_ledger_only(home) -> None:
    import ast

    source = Path(MAIN).parent / "pages" / "status.py"
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    # the published warehouse only: no settings/paths, ledger, landing or pipeline status
    assert {m.split(".")[0] for m in imported if m} == {"__future__", "streamlit", "app", "serving"}
    at = open_page("status")
    (batches, loaded, sources) = one(
        "select count(*), count(*) filter (where status = 'loaded'), "
        "(select count(*) from fct_source_loads) from fct_load_batches",
        home,
    )
    frames = {tuple(d.value.columns): d.value for d in at.dataframe}
    ledger = next(f for cols, f in frames.items() if "status" in cols and "rows_read" in cols)
    assert len(ledger) == batches and (ledger["status"] == "loaded").sum() == loaded
    freshness = next(f for cols, f in frames.items() if "last_loaded_at" in cols)
    assert len(freshness) == sources > 0
    root = str(home.home.parent)  # the sample files and HOUSEWATCH_HOME live under it
    assert not any(root in str(v) for f in frames.values() for v in f.values.ravel())


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


def _planted(sample: Path, kind: str) -> dict:
    """A generator event of the sample's truth (truth/events.csv)."""
    import csv

    with open(sample / "truth" / "events.csv", encoding="utf-8") as f:
        return next(row for row in csv.DictReader(f) if row["kind"] == kind)


def test_escrow_cards_are_the_marts_counts_for_the_latest_month(home) -> None:
    import time

    warehouse.clear_cache()
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.session_state["lang"] = "zh"
    at.run()
    started = time.perf_counter()
    at.switch_page("pages/escrow.py").run()
    first_render = time.perf_counter() - started
    assert not at.exception, [e.message for e in at.exception]
    (month,) = one(
        "select max(period_start) from fct_new_home_sales where period_grain = 'month'", home
    )
    permits, projects, stalled = one(
        "select count(*) filter (where escrow_level = 'permit'), "
        "count(*) filter (where escrow_level = 'project'), "
        "count(*) filter (where escrow_level = 'project' and construction_months_overdue > 0) "
        "from fct_presale_escrow where period_start = ?",
        home, [month],
    )  # fmt: skip
    (shortfall,) = one(
        "select count(distinct entity_id) from fct_alerts where rule_id = "
        "'escrow_deposit_shortfall' and period_start = ?",
        home, [month],
    )  # fmt: skip
    (quarter, orange_red, developers) = one(
        "select period_start, count(*) filter (where tier in ('orange', 'red')), count(*) "
        "from fct_developer_risk where period_quarter_end < cast(? as date) + interval 1 month "
        "group by period_start order by period_start desc limit 1",
        home, [month],
    )  # fmt: skip
    shown = {m.label: (m.value, m.delta) for m in at.metric}
    assert at.selectbox(key="es_month").value == month
    assert permits > 0 and shown["监管中的预售许可"] == (str(permits), f"{projects} 个项目")
    assert shown["停工项目"][0] == str(stalled)
    assert shown["收存率不足项目"][0] == str(shortfall)
    assert shown["橙档/红档房企"] == (str(orange_red), f"共 {developers} 家")
    label = f"季度: {quarter.year}Q{(quarter.month - 1) // 3 + 1}"
    assert any(c.value == label for c in at.caption)
    projects_table = at.dataframe[0].value
    assert len(projects_table) == projects
    assert "project_id" not in projects_table.columns and "项目编号" in projects_table.columns
    print(f"escrow page first render {first_render:.2f} s")


@pytest.mark.parametrize("kind", ["escrow_diversion", "escrow_early_release"])
def test_planted_escrow_project_is_listed_with_its_alert_level_and_evidence(
    home, ten_year_warehouse, kind: str
) -> None:
    import datetime as dt

    from app import charts

    sample, _ = ten_year_warehouse
    event = _planted(sample, kind)
    project = event["entity_ids"]
    month, level, n_alerts = one(
        "select period_start, max_by(level, severity), count(*) from fct_alerts "
        "where rule_family = 'presale_escrow' and entity_id = ? and period_start between ? and ? "
        "group by period_start order by period_start desc limit 1",
        home, [project, event["start_month"], event["end_month"]],
    )  # fmt: skip
    assert level == event["expected_level"] == "red"
    (n_evidence,) = one(
        "select count(*) from fct_alert_evidence e join fct_alerts a using (alert_id) "
        "where a.rule_family = 'presale_escrow' and a.entity_id = ? and a.period_start = ?",
        home, [project, month],
    )  # fmt: skip
    (n_permits,) = one(
        "select count(*) from fct_presale_escrow where escrow_level = 'permit' "
        "and project_id = ? and period_start = ?",
        home, [project, month],
    )  # fmt: skip
    at = open_page("escrow")
    at.selectbox(key="es_month").set_value(month).run()
    assert not at.exception, [e.message for e in at.exception]
    listing = at.dataframe[0].value
    row = listing[listing["项目编号"] == project]
    assert row["等级"].tolist() == [f"● {charts.level_name(level)}"]
    assert row["预警"].tolist() == [n_alerts]
    assert listing["等级"].tolist()[0] == f"● {charts.level_name(level)}"  # riskiest first
    score, band, explanation = one(
        "select round(risk_score, 1), risk_band_zh, explanation_zh from fct_project_delivery_risk"
        " where project_id = ? and period_start = ?",
        home, [project, month],
    )  # fmt: skip
    assert score > 0 and row["保交楼风险评分"].tolist() == [score]
    assert row["风险等级"].tolist() == [band] and row["评分说明"].tolist() == [explanation]
    at.selectbox(key="es_project").set_value(project).run()
    assert not at.exception
    permits = next(d.value for d in at.dataframe if "预售许可证号" in d.value.columns)
    assert len(permits) == n_permits > 0
    evidence = next(d.value for d in at.dataframe if "证据编号" in d.value.columns)
    assert len(evidence) == n_evidence and n_evidence > n_alerts  # permits beside the project
    assert event["related_ids"].split(";")[0] in evidence["证据编号"].tolist()
    assert isinstance(month, dt.date)


def test_escrow_red_slide_developer_is_in_the_red_tier_in_english(home, ten_year_warehouse):
    sample, _ = ten_year_warehouse
    event = _planted(sample, "developer_red_slide")
    at = open_page("escrow", lang="en")
    (tier,) = one(
        "select tier from fct_developer_risk where developer_id = ? and period_quarter_end <= "
        "(select max(period_start) + interval 1 month from fct_new_home_sales) "
        "order by period_start desc limit 1",
        home, [event["entity_ids"]],
    )  # fmt: skip
    developers = next(d.value for d in at.dataframe if "Credit code" in d.value.columns)
    row = developers[developers["Credit code"] == event["entity_ids"]]
    assert row["Tier"].tolist() == [f"● {tier} tier"]
    assert at.title[0].value == "Presale-fund supervision"
