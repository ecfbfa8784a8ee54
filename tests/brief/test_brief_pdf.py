"""PDF, quarterly and annual editions: the PDF opens with page numbers and embedded CJK fonts,
the quarterly edition has the evaluation table and a table of contents whose page numbers are
right, the annual one the assessment."""

from __future__ import annotations

import re
import subprocess

import pytest

from app.brief.writer import write_brief
from tests.brief.conftest import need, query

HEADINGS = ("一、摘要", "二、新建商品住宅", "三、供应与库存", "四、二手住宅", "五、住房租赁",
            "六、土地市场", "七、房地产信贷", "八、地价房价双控与预警",
            "九、预售资金监管与房企风险")  # fmt: skip


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _pages(pdf) -> int:
    return int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(pdf))).group(1))


def _page_text(pdf, page: int) -> str:
    return _run("pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-")


@pytest.fixture(scope="module")
def editions(brief_home, event_month, tmp_path_factory):
    """The monthly, quarterly and annual PDFs (and HTML) of the event's month, quarter, year."""
    _, home = brief_home
    year, month = event_month.split("-")
    out = {}
    for key in (event_month, f"{year}-Q{(int(month) - 1) // 3 + 1}", year):
        target = tmp_path_factory.mktemp("pdf")
        write_brief(home, key, ["html", "pdf"], target)
        out[key] = (target / f"brief-{key}.pdf", target / f"brief-{key}.html")
    return out


def test_monthly_pdf_has_headings_figures_page_numbers_and_cjk_fonts(editions, event_month):
    need("pdftotext")
    pdf, html = editions[event_month]
    pages = _pages(pdf)
    assert 4 <= pages <= 15
    text = _run("pdftotext", str(pdf), "-")
    for heading in (*HEADINGS, "十、方法说明与修订记录"):
        assert heading in text
    units = re.search(r'data-key="nh_units"[^>]*>([^<]+)<', html.read_text()).group(1)
    assert units in text
    footer = lambda page: re.sub(r"\s", "", _page_text(pdf, page))  # noqa: E731
    assert f"第1页/共{pages}页" in footer(1)
    assert f"第{pages}页/共{pages}页" in footer(pages)
    fonts = _run("pdffonts", str(pdf))
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk), fonts


def test_monthly_edition_has_no_toc(editions, event_month):
    need("pdftotext")
    pdf, _ = editions[event_month]
    assert "目录" not in _page_text(pdf, 1)


def test_quarterly_has_evaluation_table_and_a_toc_with_right_page_numbers(
    editions, brief_home, event_month
):
    need("pdftotext")
    _, home = brief_home
    year, month = event_month.split("-")
    key = f"{year}-Q{(int(month) - 1) // 3 + 1}"
    pdf, html = editions[key]
    first = _page_text(pdf, 1)
    assert "目录" in first
    toc = dict(re.findall(r"([一二三四五六七八九十]+、\S+?)[ .]+(\d+)\s*$", first, re.M))
    assert "九、预售资金监管与房企风险" in toc and "十、保交楼风险项目清单" in toc
    assert "十一、季度评价" in toc and "十二、方法说明与修订记录" in toc
    for heading, page in toc.items():
        assert heading in _page_text(pdf, int(page)), f"TOC says {heading} on page {page}"
    districts = query(
        home,
        "select district_name from fct_district_evaluation where quarter_label = $q",
        {"q": key.replace("-", "")},
    )
    page = html.read_text()
    table = page[page.index('class="evaluation"') : page.index("评价明细")]
    assert len(districts) >= 10
    for row in districts:
        assert row["district_name"] in table


def test_annual_has_the_assessment_and_a_toc(editions, brief_home, event_month):
    need("pdftotext")
    _, home = brief_home
    year = event_month[:4]
    pdf, html = editions[year]
    assert "目录" in _page_text(pdf, 1)
    text = _run("pdftotext", str(pdf), "-")
    assert "九、预售资金监管与房企风险" in text and "十、年度考核" in text
    rows = query(home, "select geo_name, overall_passed from fct_district_assessment "
                 "where assessment_year = $y", {"y": int(year)})  # fmt: skip
    page = html.read_text()
    table = page[page.index('class="assessment"') : page.index("考核明细")]
    assert rows
    for row in rows:
        assert row["geo_name"] in table
    failed = sum(1 for r in rows if r["overall_passed"] is False)
    assert table.count("未通过</td>") == failed
