"""The brief as one self-contained HTML page: Jinja2 template, charts from app.charts rendered by
vl-convert to inline SVG (zh-CN number and time locale), numbers formatted by app.fmt.

Headline figures carry `data-key` attributes so a test (and anyone scraping the page) can map
each printed figure back to its mart column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import altair as alt
import jinja2
import polars as pl
import vl_convert as vlc

from app import charts, fmt
from app.brief import narrative
from app.brief.data import BriefData, Row
from app.brief.periods import Period

TEMPLATES = Path(__file__).parent / "templates"
CHART_WIDTH = 620
CHART_HEIGHT = 220
MARKET_NAMES = {"new_home": "新建商品住宅", "resale": "二手住宅", "rent": "住宅租金"}


@dataclass(frozen=True)
class Figure:
    """One headline figure: what it is, the text printed and the source column it comes from."""

    key: str
    label: str
    text: str
    source: str


def _idx_pct(row: Row, column: str) -> str:
    return fmt.pct(fmt.index_to_pct(row.get(column)), signed=True)


def headline_figures(d: BriefData) -> list[Figure]:
    """The key-figure cards: new homes, indices, second-hand, supply, land, alerts (环比 only
    for months and quarters, 1–N月平均 only for months)."""
    nh, rs, sup, land = d.new_home, d.resale, d.supply, d.land
    ni, ri = d.indices.get("new_home") or {}, d.indices.get("resale") or {}
    mom = d.period.grain != "year"
    ytd = d.period.grain == "month" and ni.get("ytd_index") is not None
    mos = sup.get("months_of_supply_12m_months")
    spec = [
        ("nh_units", "新房网签套数", fmt.count(nh.get("units")), "fct_new_home_sales.units"),
        ("nh_area", "新房网签面积", fmt.area_wan(nh.get("area_sqm")),
         "fct_new_home_sales.area_sqm"),
        ("nh_amount", "新房成交金额", fmt.money_yi(nh.get("amount_yuan")),
         "fct_new_home_sales.amount_yuan"),
        ("nh_price", "新房成交均价", fmt.price(nh.get("avg_price_yuan_per_sqm")),
         "fct_new_home_sales.avg_price_yuan_per_sqm"),
        mom and ("nh_units_mom", "新房套数环比", fmt.pct(nh.get("units_mom_pct"), signed=True),
                 "fct_new_home_sales.units_mom_pct"),
        ("nh_units_yoy", "新房套数同比", fmt.pct(nh.get("units_yoy_pct"), signed=True),
         "fct_new_home_sales.units_yoy_pct"),
        mom and ("nh_index_mom", "新房价格指数环比", _idx_pct(ni, "mom_index"),
                 "fct_price_indices.mom_index"),
        ("nh_index_yoy", "新房价格指数同比", _idx_pct(ni, "yoy_index"),
         "fct_price_indices.yoy_index"),
        ytd and ("nh_index_ytd", f"新房指数1–{ni.get('ytd_months')}月平均",
                 fmt.index_value(ni.get("ytd_index")), "fct_price_indices.index_value"),
        ("rs_units", "二手房网签套数", fmt.count(rs.get("units")), "fct_resale_sales.units"),
        ("rs_price", "二手房成交均价", fmt.price(rs.get("avg_price_yuan_per_sqm")),
         "fct_resale_sales.avg_price_yuan_per_sqm"),
        mom and ("rs_index_mom", "二手房价格指数环比", _idx_pct(ri, "mom_index"),
                 "fct_price_indices.mom_index"),
        ("rs_index_yoy", "二手房价格指数同比", _idx_pct(ri, "yoy_index"),
         "fct_price_indices.yoy_index"),
        ("mos_12m", "去化周期", f"{fmt.index_value(mos)}个月",
         "fct_housing_supply.months_of_supply_12m_months"),
        ("land_sold", "住宅用地成交", fmt.count(land.get("parcels_sold"), "宗"),
         "fct_land_market.parcels_sold"),
        ("land_revenue", "住宅用地出让收入", fmt.money_yi(land.get("land_revenue_yuan")),
         "fct_land_market.land_revenue_yuan"),
        ("alerts_total", "预警条数", fmt.count(len(d.alerts), "条"), "fct_alerts"),
        ("alerts_red", "红色预警", fmt.count(d.alert_counts.get("red", 0), "条"),
         "fct_alerts.level"),
    ]  # fmt: skip
    return [Figure(*item) for item in spec if item]


# ---------------------------------------------------------------- charts


def svg(chart: alt.Chart) -> str:
    """vl-convert to SVG with the zh-CN locale, at a fixed width (no container in a PDF)."""
    spec = chart.properties(width=CHART_WIDTH, height=CHART_HEIGHT).to_dict()
    text = vlc.vegalite_to_svg(spec, format_locale="zh-CN", time_format_locale="zh-CN")
    return text[text.index("<svg") :]


def build_charts(d: BriefData) -> dict[str, str]:
    """The brief's charts, every one built by app.charts (the dashboard's builders)."""
    out: dict[str, str] = {}
    trend = pl.DataFrame(d.trend["new_home"]) if d.trend.get("new_home") else None
    if trend is not None and trend.height:
        title = "市区新建商品住宅网签套数（近24个月）"
        out["new_home_units"] = svg(
            charts.monthly_bars(trend, value="units", title=title, y_title="套")
        )
    idx = [r for r in d.trend.get("indices", []) if r["market"] in ("new_home", "resale")]
    if idx:
        frame = pl.DataFrame(idx).with_columns(
            pl.col("market").replace_strict(MARKET_NAMES, return_dtype=pl.String).alias("series")
        )
        out["index_yoy"] = svg(charts.index_line(
            frame, value="yoy_index", series="series", reference=100.0,
            title="市区房价指数同比（上年同月=100）", y_title="同比指数"))  # fmt: skip
    districts = [r for r in d.new_home_districts if r.get("units")]
    if districts:
        out["district_units"] = svg(charts.district_bar(
            pl.DataFrame(districts), value="units", title="各区县新建商品住宅网签套数",
            x_title="套", value_format=",.0f"))  # fmt: skip
    mos = [r for r in d.supply_districts if r.get("months_of_supply_12m_months") is not None]
    if mos:
        out["district_mos"] = svg(charts.district_bar(
            pl.DataFrame(mos), value="months_of_supply_12m_months",
            title="各区县去化周期（月）", x_title="个月"))  # fmt: skip
    counts = [{"level": k, "alerts": n} for k, n in d.alert_counts.items() if n]
    if counts:
        out["alert_levels"] = svg(charts.alert_level_counts(
            pl.DataFrame(counts), title="预警等级分布"))  # fmt: skip
    return out


# ---------------------------------------------------------------- template


def _filters() -> dict[str, Any]:
    return {
        "count": fmt.count, "area": fmt.area_wan, "money": fmt.money_yi, "price": fmt.price,
        "pct": fmt.pct, "idx": fmt.index_value, "month": fmt.month_label,
        "level_name": charts.level_name,
        "quarter": lambda q: Period("quarter", q).label_zh if q else fmt.MISSING,
        "spct": lambda v: fmt.pct(v, signed=True),
        "idxpct": lambda v: fmt.pct(fmt.index_to_pct(v), signed=True),
        "num1": lambda v: fmt.index_value(v),
        "num2": lambda v: fmt.index_value(v, 2),
        "pts": lambda v: fmt.MISSING if v is None else f"{v:+.2f}",
        "plain": lambda v: fmt.MISSING if v is None else f"{v:g}",  # a policy number: 95, 97.5
        "measure": lambda a: narrative.measure(a.get("observed_value"), a.get("unit_zh"),
                                               a.get("display_decimals")),
        "overdue": lambda v: fmt.MISSING if v is None else f"{v}个月" if v > 0 else "未超期",
    }  # fmt: skip


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(_filters())
    env.globals["LEVEL_COLOURS"] = charts.LEVEL_COLOURS
    return env


def sections(d: BriefData) -> list[tuple[str, str]]:
    """(anchor, heading) of each section in order: the TOC and the markdown share it."""
    out = [
        ("summary", "摘要"),
        ("new-home", "新建商品住宅"),
        ("supply", "供应与库存"),
        ("resale", "二手住宅"),
        ("rental", "住房租赁"),
        ("land", "土地市场"),
        ("credit", "房地产信贷"),
        ("alerts", "地价房价双控与预警"),
        ("escrow", "预售资金监管与房企风险"),
    ]
    if d.period.grain == "quarter":
        out += [("delivery-risk", "保交楼风险项目清单"), ("evaluation", "季度评价")]
    if d.period.grain == "year":
        out.append(("assessment", "年度考核"))
    out.append(("method", "方法说明与修订记录"))
    return [(anchor, f"{numeral(i)}、{name}") for i, (anchor, name) in enumerate(out, 1)]


def numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二 (section numbers up to 99)."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else digits[tens] + "十"
    return head + (digits[ones] if ones else "")


def context(d: BriefData, generated_at: dt.datetime | None = None) -> dict[str, Any]:
    """Everything a template needs (shared by the HTML and Markdown renderers)."""
    return {
        "d": d,
        "p": d.period,
        "title": f"南通市房地产市场{d.period.edition_zh}（{d.period.label_zh}）",
        "figures": headline_figures(d),
        "summary": narrative.headline(d),
        "text": {
            "new_home": narrative.new_home_sentence(d),
            "supply": narrative.supply_sentence(d),
            "resale": narrative.resale_sentence(d),
            "rental": narrative.rental_sentence(d),
            "land": narrative.land_sentence(d),
            "credit": narrative.credit_sentence(d),
            "alerts": narrative.alerts_sentence(d),
            "escrow": narrative.escrow_sentences(d),
            "delivery_risk": narrative.delivery_risk_sentence(d),
            "indices": {m: narrative.index_sentence(m, r, d.period) for m, r in d.indices.items()},
        },
        "sections": sections(d),
        "heading": dict(sections(d)),
        "toc": d.period.grain in ("quarter", "year"),
        "markets": MARKET_NAMES,
        "generated_at": (generated_at or dt.datetime.now()).strftime("%Y-%m-%d %H:%M"),
    }


def render_html(d: BriefData, chart_svgs: dict[str, str] | None = None) -> str:
    ctx = context(d)
    ctx["charts"] = build_charts(d) if chart_svgs is None else chart_svgs
    return environment().get_template("brief.html.j2").render(**ctx)
