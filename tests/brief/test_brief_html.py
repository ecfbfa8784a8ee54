"""The monthly HTML brief: every headline figure equals the warehouse's number, the planted
events are named in the alerts section, and the page is self-contained."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from app.brief.writer import write_brief
from tests.brief.conftest import query

URBAN, CITY = "320600U", "320600"


class _Figures(HTMLParser):
    """Collects the text of every element with data-key, and the alerts section's text."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, str] = {}
        self._key: str | None = None
        self._section: str | None = None
        self.sections: dict[str, str] = {}
        self.alert_rows: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-key" in a:
            self._key = a["data-key"]
            self.figures[self._key] = ""
        if tag == "section":
            self._section = a.get("id")
            self.sections[self._section] = ""
        if tag == "tr" and "data-rule" in a:
            self.alert_rows.append({"rule": a["data-rule"], "level": a["data-level"]})

    def handle_endtag(self, tag):
        if tag == "span":
            self._key = None
        if tag == "section":
            self._section = None

    def handle_data(self, data):
        if self._key:
            self.figures[self._key] += data
        if self._section:
            self.sections[self._section] += data


@pytest.fixture(scope="module")
def monthly(brief_home, event_month, tmp_path_factory):
    _, home = brief_home
    out = tmp_path_factory.mktemp("monthly")
    result = write_brief(home, event_month, ["html", "md"], out)
    page = _Figures()
    page.feed((out / f"brief-{event_month}.html").read_text(encoding="utf-8"))
    return result, page, out


def _number(text: str) -> tuple[float, float]:
    """'1,118套' → (1118, 0.5); '13.8万㎡' → (138000, 500); '+15.6%' → (15.6, 0.05)."""
    match = re.search(r"[-+]?[\d,]+(?:\.(\d+))?", text)
    assert match, f"no number in {text!r}"
    value = float(match.group(0).replace(",", ""))
    half = 0.5 * 10 ** -len(match.group(1) or "")
    rest = text[match.end() :]
    scale = 1e8 if rest.startswith("亿") else 1e4 if rest.startswith("万") else 1.0
    return value * scale, half * scale + 1e-9


def _pct(indices: dict, market: str, column: str) -> float | None:
    value = indices.get(market, {}).get(column)
    return None if value is None else value - 100


def _expected(home, month: dt.date) -> dict[str, float]:
    """Each headline figure recomputed straight from the marts (not through app.brief.data)."""
    one = lambda sql, **p: query(home, sql, {"m": month, **p})[0]  # noqa: E731
    nh = one(
        "select * from fct_new_home_sales where period_grain = 'month' and "
        "period_start = $m and geo_code = $g and band_type = 'all'",
        g=URBAN,
    )
    rs = one(
        "select * from fct_resale_sales where period_grain = 'month' and "
        "period_start = $m and geo_code = $g and band_type = 'all'",
        g=URBAN,
    )
    idx = {
        r["market"]: r
        for r in query(
            home,
            "select * from fct_price_indices where is_headline and period_grain = 'month' and "
            "period_start = $m and geo_code = $g and band = 'all'",
            {"m": month, "g": URBAN},
        )
    }
    ytd = one(
        "select 100 * avg(index_value) filter (where year(period_start) = year($m)) / "
        "avg(index_value) filter (where year(period_start) = year($m) - 1) as v from "
        "fct_price_indices where is_headline and market = 'new_home' and geo_code = $g "
        "and band = 'all' and period_grain = 'month' and month(period_start) <= month($m)",
        g=URBAN,
    )
    sup = one(
        "select * from fct_housing_supply where period_grain = 'month' and "
        "period_start = $m and geo_code = $g",
        g=URBAN,
    )
    land = one(
        "select * from fct_land_market where period_grain = 'month' and "
        "period_start = $m and geo_code = $g and use_group = 'residential'",
        g=CITY,
    )
    alerts = one(
        "select count(distinct (rule_id, geo_code, entity_id)) as n, count(distinct "
        "(rule_id, geo_code, entity_id)) filter (where level = 'red') as red from "
        "fct_alerts where (period_grain = 'month' and period_start = $m) or "
        "(period_grain = 'year' and period_start = date_trunc('year', $m))"
    )
    return {
        "nh_units": nh["units"], "nh_area": nh["area_sqm"], "nh_amount": nh["amount_yuan"],
        "nh_price": nh["avg_price_yuan_per_sqm"], "nh_units_mom": nh["units_mom_pct"],
        "nh_units_yoy": nh["units_yoy_pct"],
        "nh_index_mom": _pct(idx, "new_home", "mom_index"),
        "nh_index_yoy": _pct(idx, "new_home", "yoy_index"), "nh_index_ytd": ytd["v"],
        "rs_units": rs["units"], "rs_price": rs["avg_price_yuan_per_sqm"],
        "rs_index_mom": _pct(idx, "resale", "mom_index"),
        "rs_index_yoy": _pct(idx, "resale", "yoy_index"),
        "mos_12m": sup["months_of_supply_12m_months"], "land_sold": land["parcels_sold"],
        "land_revenue": land["land_revenue_yuan"], "alerts_total": alerts["n"],
        "alerts_red": alerts["red"],
    }  # fmt: skip


def test_every_headline_figure_equals_the_warehouse(monthly, brief_home, event_month):
    _, page, _ = monthly
    _, home = brief_home
    expected = _expected(home, dt.date.fromisoformat(event_month + "-01"))
    assert set(page.figures) == set(expected)
    for key, want in expected.items():
        if want is None:  # a gap in the mart is a gap in the brief, never a zero
            assert page.figures[key].startswith("—"), f"{key}: {page.figures[key]} for no data"
            continue
        got, tolerance = _number(page.figures[key])
        assert abs(got - want) <= tolerance, f"{key}: brief says {page.figures[key]}, mart {want}"


def test_narrative_names_the_numbers_and_direction(monthly, brief_home, event_month):
    _, page, _ = monthly
    _, home = brief_home
    m = dt.date.fromisoformat(event_month + "-01")
    nh = query(home, "select units, units_mom_pct from fct_new_home_sales where period_grain = "
               "'month' and period_start = $m and geo_code = $g and band_type = 'all'",
               {"m": m, "g": URBAN})[0]  # fmt: skip
    word = (
        "增长" if nh["units_mom_pct"] > 0.05 else "下降" if nh["units_mom_pct"] < -0.05 else "持平"
    )
    summary = page.sections["summary"]
    assert f"{m.month}月市区新建商品住房网签{nh['units']:,}套" in summary
    assert f"环比{word}{abs(nh['units_mom_pct']):.1f}%" in summary


def test_planted_events_are_named_in_the_alerts_section(monthly, events, event_month):
    _, page, _ = monthly
    alerts = page.sections["alerts"]
    filed = events.filter(events["kind"] == "filed_price_above").row(0, named=True)
    assert {"rule": "filed_price_above", "level": "red"} in page.alert_rows
    contracts = filed["entity_ids"].split(";")
    assert any(c in alerts for c in contracts), "no planted contract named as evidence"
    surge = events.filter(events["kind"] == "price_surge").row(0, named=True)
    if surge["start_month"][:7] <= event_month <= surge["end_month"][:7]:
        assert {"rule": "price_control_target_high", "level": "red"} in page.alert_rows
        assert "海门区" in alerts


def test_html_is_self_contained_with_inline_svg_charts(monthly, event_month):
    _, _, out = monthly
    html = (out / f"brief-{event_month}.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 4
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<link" not in html and "<script" not in html
    assert "Noto Sans CJK SC" in html


def test_markdown_carries_the_same_headline(monthly, event_month):
    _, page, out = monthly
    md = (out / f"brief-{event_month}.md").read_text(encoding="utf-8")
    assert md.startswith("# 南通市房地产市场月度分析")
    for key in ("nh_units", "nh_price", "rs_units", "mos_12m"):
        assert f"| {page.figures[key]} |" in md
