"""预售资金监管与房企风险 (every edition) and 保交楼风险项目清单 (quarterly): the planted escrow
alert is named with its rule and observed value as fct_alerts holds them, a calm month says the
one-sentence all-clear, a missing source is named instead, the quarter's list holds exactly the
projects fct_alerts has, and both headings are in the PDF's text and outline."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest

from app.brief import narrative
from app.brief.data import BriefData
from app.brief.periods import Period, parse_period
from app.brief.writer import write_brief
from tests.brief.conftest import need, query
from tests.brief.test_brief_html import _Figures

ESCROW = "预售资金监管与房企风险"
DELIVERY = "保交楼风险项目清单"


def _quarter_key(month: dt.date) -> str:
    return f"{month.year}-Q{(month.month - 1) // 3 + 1}"


def _outline(pdf) -> list[str]:
    """The PDF's bookmarks (poppler's pdftohtml -xml prints them as <outline><item>)."""
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-stdout", "-i", "-q", str(pdf)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    outline = xml[xml.index("<outline") :] if "<outline" in xml else ""
    return [t.strip() for t in re.findall(r"<item[^>]*>([^<]+)", outline)]


@pytest.fixture(scope="module")
def planted(brief_home, events) -> dict:
    """The first month fct_alerts raised escrow_deposit_shortfall on the planted diversion
    project, with that alert's row and its rule's indicator, unit and decimals."""
    _, home = brief_home
    project = events.filter(events["kind"] == "escrow_diversion").row(0, named=True)
    found = query(
        home,
        "select a.*, l.level_zh, r.indicator_zh, r.unit_zh, r.display_decimals from fct_alerts "
        "a join reference.alert_rules r using (rule_id) join reference.alert_levels l "
        "using (level) where a.rule_id = "
        "'escrow_deposit_shortfall' and a.entity_id = $p order by a.period_start limit 1",
        {"p": project["entity_ids"].split(";")[0]},
    )
    assert found, "the planted escrow diversion raised no escrow_deposit_shortfall alert"
    return found[0]


@pytest.fixture(scope="module")
def stall_quarter(brief_home, events) -> str:
    """The quarter of the planted stalled project's first red construction_stalled alert."""
    _, home = brief_home
    project = events.filter(events["kind"] == "construction_stall").row(0, named=True)
    found = query(
        home,
        "select min(period_start) as m from fct_alerts where rule_id = 'construction_stalled' "
        "and level = 'red' and entity_id = $p",
        {"p": project["entity_ids"].split(";")[0]},
    )
    assert found[0]["m"] is not None, "the planted stall raised no red construction_stalled"
    return _quarter_key(found[0]["m"])


@pytest.fixture(scope="module")
def written(brief_home, planted, stall_quarter, event_month, tmp_path_factory):
    """HTML, Markdown and PDF of the planted month, the stall quarter and the calm month."""
    _, home = brief_home
    out = {}
    for key in (f"{planted['period_start']:%Y-%m}", stall_quarter, event_month):
        target = tmp_path_factory.mktemp("escrow")
        write_brief(home, key, ["html", "md", "pdf"], target)
        page = _Figures()
        page.feed((target / f"brief-{key}.html").read_text(encoding="utf-8"))
        out[key] = {
            "page": page,
            "html": (target / f"brief-{key}.html").read_text(encoding="utf-8"),
            "md": (target / f"brief-{key}.md").read_text(encoding="utf-8"),
            "pdf": target / f"brief-{key}.pdf",
        }
    return out


def test_monthly_brief_names_the_planted_project_rule_and_observed_value(planted, written):
    brief = written[f"{planted['period_start']:%Y-%m}"]
    section = brief["page"].sections["escrow"]
    value = f"{planted['observed_value']:.{planted['display_decimals']}f}{planted['unit_zh']}"
    assert planted["unit_zh"] == "%" and planted["display_decimals"] == 1
    sentence = f"{planted['entity_name']}（{planted['geo_name']}）{planted['rule_name_zh']}"
    assert f"{sentence}，{planted['level_zh']}，{planted['indicator_zh']}{value}" in section
    assert "未发现预售资金监管异常" not in section
    row = re.search(
        rf'<tr data-entity="{planted["entity_id"]}" data-escrow-rule="escrow_deposit_shortfall"'
        rf' data-level="{planted["level"]}">(.*?)</tr>',
        brief["html"],
    )
    assert row and value in row.group(1) and planted["rule_name_zh"] in row.group(1)
    assert planted["entity_name"] in brief["md"] and value in brief["md"]


def test_monthly_brief_counts_permits_and_projects_under_supervision(planted, written, brief_home):
    _, home = brief_home
    month = planted["period_start"]
    n = query(
        home,
        "select count(*) filter (where escrow_level = 'permit') as permits, count(*) filter "
        "(where escrow_level = 'project') as projects from fct_presale_escrow "
        "where period_start = $m",
        {"m": month},
    )[0]
    section = written[f"{month:%Y-%m}"]["page"].sections["escrow"]
    assert n["permits"] > 0
    counts = f"预售许可{n['permits']}个、项目{n['projects']}个"
    assert f"{month.month}月末纳入预售资金监管的{counts}" in section


def test_calm_month_says_the_one_sentence_all_clear(written, brief_home, event_month):
    _, home = brief_home
    month = dt.date.fromisoformat(event_month + "-01")
    alerts = query(
        home,
        "select count(*) as n from fct_alerts where rule_family in ('presale_escrow', "
        "'resale_escrow') and period_grain = 'month' and period_start = $m",
        {"m": month},
    )[0]["n"]
    tiers = query(
        home,
        "select count(*) filter (where tier in ('orange', 'red')) as n, max(period_start) as q "
        "from fct_developer_risk where period_start = (select max(period_start) from "
        "fct_developer_risk where period_quarter_end < $end)",
        {"end": parse_period(event_month).end},
    )[0]
    assert alerts == 0 and tiers["n"] == 0, "the calm month is not calm in this warehouse"
    section = written[event_month]["page"].sections["escrow"]
    quarter = Period("quarter", tiers["q"]).label_zh
    assert (
        f"本月未发现预售资金监管异常，{quarter}重点房地产企业均未处于橙档或红档，"
        "二手房交易资金监管未触发预警。"
    ) in section
    assert "触发预售资金监管预警" not in section and "数据缺失" not in section


def test_a_missing_escrow_source_is_named_instead_of_an_all_clear():
    gap = "本月未收到监管账户收支数据（尚未交付），预售资金收存率、监管余额与拨付未计算"
    d = BriefData(
        period=parse_period("2021-05"),
        escrow_gaps=[{"data_source": "escrow_statement", "gap_message_zh": gap, "months": 1}],
    )
    text = "".join(narrative.escrow_sentences(d))
    assert f"数据缺失：{gap}。" in text
    assert "无法判断本月是否存在预售资金监管异常" in text
    assert "未发现预售资金监管异常" not in text


def test_quarterly_list_holds_exactly_the_projects_fct_alerts_has(
    written, brief_home, stall_quarter, events
):
    _, home = brief_home
    period = parse_period(stall_quarter)
    expected = query(
        home,
        "select entity_id, max(severity) as worst from fct_alerts where rule_family = "
        "'presale_escrow' and entity_type = 'project' and period_grain = 'month' and "
        "period_start >= $s and period_start < $e group by entity_id",
        {"s": period.start, "e": period.end},
    )
    html = written[stall_quarter]["html"]
    table = html[html.index('class="delivery-risk"') : html.index('id="evaluation"')]
    listed = re.findall(r'<tr data-project="([^"]+)" data-level="([^"]+)">', table)
    assert {p for p, _ in listed} == {r["entity_id"] for r in expected}
    assert len(listed) == len(expected)
    stalled = events.filter(events["kind"] == "construction_stall").row(0, named=True)
    assert (stalled["entity_ids"].split(";")[0], "red") in listed
    severity = {"red": 4, "orange": 3, "yellow": 2, "light_blue": 1, "blue": 0}
    order = [severity.get(level, -1) for _, level in listed]
    assert order == sorted(order, reverse=True), "not sorted by severity"
    worst = {r["entity_id"]: r["worst"] for r in expected}
    levels = {r["level"]: r["severity"] for r in query(
        home, "select level, severity from reference.alert_levels")}  # fmt: skip
    for project, level in listed:
        assert levels[level] == worst[project]


def test_headings_are_in_the_pdf_text_and_outline(written, planted, stall_quarter):
    need("pdftotext")
    need("pdftohtml")
    monthly = written[f"{planted['period_start']:%Y-%m}"]["pdf"]
    text = subprocess.run(
        ["pdftotext", str(monthly), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert f"九、{ESCROW}" in text and "预售资金收存率" in text
    assert f"九、{ESCROW}" in _outline(monthly)
    quarterly = _outline(written[stall_quarter]["pdf"])
    assert f"九、{ESCROW}" in quarterly and f"十、{DELIVERY}" in quarterly
    assert quarterly.index(f"十、{DELIVERY}") < quarterly.index("十一、季度评价")
