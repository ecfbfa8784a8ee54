"""Sentences written from the numbers: the direction words are chosen from the data.

Prices 上涨/下降/持平 (app.fmt.direction), volumes 增长/下降/持平, gaps 扩大/收窄, volume and price
together 量价齐升/量价齐跌/量增价跌/量减价升. Numbers are formatted by app.fmt only, so the brief
prints the same text as the dashboard. Every function returns plain text (HTML escaping is the
template's job); a missing input yields a shorter sentence, never a wrong word.
"""

from __future__ import annotations

from app import fmt
from app.brief.data import BriefData, Row
from app.brief.periods import Period

MARKETS_ZH = {"new_home": "新建商品住宅", "resale": "二手住宅", "rent": "住宅租金"}


def _ok(value: float | None) -> bool:
    return not fmt._missing(value)


def volume_change(change_pct: float | None, basis: str = "环比") -> str:
    """环比增长12.3% / 同比下降5.1% / 环比持平 — volumes grow or fall, prices rise or fall."""
    if not _ok(change_pct):
        return ""
    word = fmt.direction(change_pct).replace("上涨", "增长")
    return f"{basis}{word}" if word == "持平" else f"{basis}{word}{abs(change_pct):.1f}%"


def price_change(change_pct: float | None, basis: str = "环比") -> str:
    """环比上涨0.3% / 同比下降3.8% / 环比持平."""
    if not _ok(change_pct):
        return ""
    word = fmt.direction(change_pct)
    return f"{basis}{word}" if word == "持平" else f"{basis}{word}{abs(change_pct):.1f}%"


def gap_word(previous: float | None, current: float | None) -> str:
    """扩大 when a gap (in absolute size) widened, 收窄 when it narrowed, 持平 within 0.05."""
    if not (_ok(previous) and _ok(current)):
        return ""
    delta = abs(current) - abs(previous)
    if abs(delta) < fmt.FLAT_TOLERANCE_PCT:
        return "持平"
    return "扩大" if delta > 0 else "收窄"


def volume_price(volume_pct: float | None, price_pct: float | None) -> str:
    """量价齐升 / 量价齐跌 / 量增价跌 / 量减价升 / 量价平稳 from a volume and a price change."""
    if not (_ok(volume_pct) and _ok(price_pct)):
        return ""
    v, p = fmt.direction(volume_pct), fmt.direction(price_pct)
    table = {
        ("上涨", "上涨"): "量价齐升",
        ("下降", "下降"): "量价齐跌",
        ("上涨", "下降"): "量增价跌",
        ("下降", "上涨"): "量减价升",
        ("持平", "持平"): "量价平稳",
    }
    return table.get((v, p), "量增价稳" if v == "上涨" else "量减价稳" if v == "下降" else
                     "量稳价升" if p == "上涨" else "量稳价跌")  # fmt: skip


def _join(parts: list[str]) -> str:
    return "，".join(p for p in parts if p)


def index_sentence(market: str, row: Row, period: Period) -> str:
    """新建商品住宅价格指数环比99.7、同比96.2（1–6月平均95.7，上年同期=100）：环比下降0.3%，同比下降3.8%."""
    if not row:
        return f"{MARKETS_ZH[market]}价格指数本期无数据"
    mom = fmt.index_to_pct(row.get("mom_index"))
    yoy = fmt.index_to_pct(row.get("yoy_index"))
    levels = []
    if period.grain != "year" and _ok(row.get("mom_index")):
        levels.append(f"环比{fmt.index_value(row['mom_index'])}")
    if _ok(row.get("yoy_index")):
        levels.append(f"同比{fmt.index_value(row['yoy_index'])}")
    text = f"{MARKETS_ZH[market]}价格指数" + "、".join(levels)
    if period.grain == "month" and _ok(row.get("ytd_index")):
        text += f"（1–{row['ytd_months']}月平均{fmt.index_value(row['ytd_index'])}，上年同期=100）"
    moves = [price_change(mom) if period.grain != "year" else "", price_change(yoy, "同比")]
    return text + ("：" + _join(moves) if any(moves) else "")


def new_home_sentence(d: BriefData) -> str:
    """6月市区新建商品住房网签4,512套、52.3万㎡，环比增长12.3%，同比下降5.1%，…"""
    s, p = d.new_home, d.period
    if not s:
        return f"{p.short_zh}市区无新建商品住房网签成交"
    head = (
        f"{p.short_zh}市区新建商品住房网签{fmt.count(s['units'])}、{fmt.area_wan(s['area_sqm'])}，"
        f"成交金额{fmt.money_yi(s['amount_yuan'])}"
    )
    changes = [
        volume_change(s.get("units_mom_pct")) if p.grain != "year" else "",
        volume_change(s.get("units_yoy_pct"), "同比"),
    ]
    price = f"成交均价{fmt.price(s['avg_price_yuan_per_sqm'])}"
    index = d.indices.get("new_home") or {}
    basis = "mom_index" if p.grain != "year" else "yoy_index"
    vol = s.get("units_mom_pct") if p.grain != "year" else s.get("units_yoy_pct")
    mood = volume_price(vol, fmt.index_to_pct(index.get(basis)))
    tail = f"；按质量调整的价格指数计，市场呈{mood}态势" if mood else ""
    return _join([head, *changes, price]) + tail + "。"


def resale_sentence(d: BriefData) -> str:
    s, p = d.resale, d.period
    if not s:
        return f"{p.short_zh}市区无二手住房网签成交。"
    parts = [
        f"{p.short_zh}市区二手住房网签{fmt.count(s['units'])}、{fmt.area_wan(s['area_sqm'])}",
        volume_change(s.get("units_mom_pct")) if p.grain != "year" else "",
        volume_change(s.get("units_yoy_pct"), "同比"),
        f"成交均价{fmt.price(s['avg_price_yuan_per_sqm'])}",
    ]
    ratio = s.get("new_to_resale_price_ratio")
    prev_ratio = d.resale_prev.get("new_to_resale_price_ratio")
    if _ok(ratio):
        parts.append(f"新房与二手房均价比{ratio:.2f}")
        word = gap_word(_minus1(prev_ratio), _minus1(ratio))
        if word:
            parts.append(f"价差较上期{word}")
    return _join(parts) + "。"


def _minus1(ratio: float | None) -> float | None:
    return (ratio - 1) * 100 if _ok(ratio) else None


def supply_sentence(d: BriefData) -> str:
    s = d.supply
    if not s:
        return "本期无供应与库存数据。"
    parts = [
        f"市区批准预售住宅{fmt.area_wan(s['permitted_residential_area_sqm'])}",
        f"成交{fmt.area_wan(s['sold_area_sqm'])}",
    ]
    if _ok(s.get("supply_to_sales_ratio")):
        parts.append(f"供销比{s['supply_to_sales_ratio']:.2f}")
    parts.append(f"期末可售存量{fmt.area_wan(s['saleable_stock_area_sqm'])}")
    mos = s.get("months_of_supply_12m_months")
    if _ok(mos):
        text = f"去化周期{mos:.1f}个月"
        change = s.get("months_of_supply_12m_months_mom_pct")
        if d.period.grain != "year" and _ok(change):
            word = fmt.direction(change)
            text += {"上涨": "，较上期延长", "下降": "，较上期缩短", "持平": "，与上期持平"}[word]
        parts.append(text)
    return _join(parts) + "。"


def rental_sentence(d: BriefData) -> str:
    r = d.rental
    if not r:
        return "本期无租赁备案数据。"
    parts = [
        f"市区住房租赁备案{fmt.count(r['registrations'], '件')}",
        f"租金{fmt.price(r['rent_yuan_per_sqm_month'], '元/㎡·月')}",
        price_change(r.get("rent_yuan_per_sqm_month_yoy_pct"), "同比"),
    ]
    gap = r.get("rent_vs_guide_pct")
    if _ok(gap):
        side = "高于" if gap > 0 else "低于"
        parts.append(f"{side}指导租金{abs(gap):.1f}%")
    urban = next((y for y in d.yields if y["geo_level"] == "urban"), None)
    if urban and _ok(urban.get("price_to_monthly_rent_n")):
        parts.append(
            f"{urban['period_start'].year}年匹配小区租售比1:{urban['price_to_monthly_rent_n']:.0f}"
            f"（毛租金回报率{fmt.pct(urban['gross_yield_pct'])}）"
        )
    return _join(parts) + "。"


def land_sentence(d: BriefData) -> str:
    land = d.land
    if not land or not land.get("parcels_offered"):
        return f"{d.period.short_zh}全市无住宅用地出让。"
    parts = [
        f"全市出让住宅用地{land['parcels_offered']}宗，成交{land['parcels_sold']}宗",
        f"流拍{land['parcels_failed']}宗" if land.get("parcels_failed") else "",
        f"出让收入{fmt.money_yi(land['land_revenue_yuan'])}",
    ]
    if _ok(land.get("floor_price_yuan_per_sqm")):
        parts.append(f"楼面价{fmt.price(land['floor_price_yuan_per_sqm'])}")
        parts.append(f"平均溢价率{fmt.pct(land['premium_rate_pct'])}")
    if _ok(land.get("land_to_house_price_ratio_pct")):
        parts.append(f"地房比{fmt.pct(land['land_to_house_price_ratio_pct'])}")
    return _join(parts) + "。"


def credit_sentence(d: BriefData) -> str:
    c = d.credit
    if not c:
        return "本期无信贷数据。"
    parts = [
        f"全市新发放个人住房贷款{fmt.money_yi(c['new_mortgage_yuan'])}、"
        f"{fmt.count(c['new_mortgage_count'], '笔')}",
        volume_change(c.get("new_mortgage_yuan_mom_pct")) if d.period.grain != "year" else "",
        volume_change(c.get("new_mortgage_yuan_yoy_pct"), "同比"),
        f"平均利率{fmt.pct(c['avg_mortgage_rate_pct'], decimals=2)}",
        f"房地产贷款占比{fmt.pct(c['re_loan_share_pct'])}",
    ]
    above = c.get("banks_above_cap") or 0
    parts.append(f"{above}家银行超出集中度上限" if above else "各银行均未超出集中度上限")
    return _join(parts) + "。"


def alerts_sentence(d: BriefData) -> str:
    total = len(d.alerts)
    if not total:
        return "本期未触发预警。"
    names = {lv["level"]: lv["level_zh"] for lv in d.levels}
    by_level = [f"{names.get(k, k)}{n}条" for k, n in d.alert_counts.items() if n]
    text = f"本期触发预警{total}条，其中" + "、".join(by_level)
    red = [a for a in d.alerts if a["level"] == "red"][:3]
    if red:
        text += "；红色预警：" + "；".join(a["explanation_zh"] for a in red)
    return text + "。"


def _this(period: Period) -> str:
    return {"month": "本月", "quarter": "本季度", "year": "本年度"}[period.grain]


def measure(value: float | None, unit: str | None, decimals: int | None = 1) -> str:
    """An alert's observed value in its rule's unit and decimals: 50.0% / 7个月 / 25.0个百分点."""
    if not _ok(value):
        return fmt.MISSING
    return f"{value:,.{1 if decimals is None else decimals}f}{unit or ''}"


def escrow_alert_text(a: Row) -> str:
    """华润中兴御景（南通经济技术开发区）预售资金未足额存入监管账户，红色，预售资金收存率（近3个月）
    50.0%; raised in several months of a quarter or year: …，期内4个月、最高红色，最近一次（11月）
    橙色，…75.0% (the latest month's value, as the alerts section shows it)."""
    value = measure(a.get("observed_value"), a.get("unit_zh"), a.get("display_decimals"))
    name = a.get("entity_name") or a.get("entity_id")
    head = f"{name}（{a.get('geo_name')}）{a.get('rule_name_zh')}"
    level = a.get("level_zh")
    if a.get("months_in_period", 1) > 1:
        worst = a.get("worst_level")
        higher = f"、最高{a['worst_level_zh']}" if worst and worst != a.get("level") else ""
        head += f"，期内{a['months_in_period']}个月{higher}"
        level = f"最近一次（{a['period_start'].month}月）{level}"
    return f"{head}，{level}，{a.get('indicator_zh')}{value}"


def escrow_sentences(d: BriefData) -> list[str]:
    """预售资金监管与房企风险: supervision, the escrow alerts, developers in 橙档/红档 and resale
    deals outside escrow; a missing source is named instead of an all-clear, and when nothing
    alerts it is one sentence."""
    p, this = d.period, _this(d.period)
    out: list[str] = []
    c = d.escrow_counts
    if c.get("permits"):
        out.append(
            f"{p.last_month.month}月末纳入预售资金监管的预售许可{fmt.count(c['permits'], '个')}、"
            f"项目{fmt.count(c['projects'], '个')}。"
        )
    for g in d.escrow_gaps:
        months = f"（期内{g['months']}个月）" if g.get("months", 1) > 1 else ""
        out.append(f"数据缺失：{g['gap_message_zh']}{months}。")
    quarter = Period("quarter", d.developer_quarter).label_zh if d.developer_quarter else ""
    calm = not (d.escrow_alerts or d.developers or d.resale_escrow)
    if calm and not d.escrow_gaps:
        dev = f"{quarter}重点房地产企业均未处于橙档或红档，" if quarter else ""
        out.append(f"{this}未发现预售资金监管异常，{dev}二手房交易资金监管未触发预警。")
        return out
    if d.escrow_alerts:
        projects = {a["entity_id"] for a in d.escrow_alerts}
        red = sum(1 for a in d.escrow_alerts if a.get("worst_level", a["level"]) == "red")
        head = f"{this}{len(projects)}个项目触发预售资金监管预警{len(d.escrow_alerts)}条"
        if red:
            head += f"（红色{red}条）" if p.grain == "month" else f"（期内达到红色{red}条）"
        out.append(head + "：" + "；".join(escrow_alert_text(a) for a in d.escrow_alerts) + "。")
    elif d.escrow_gaps:
        out.append(f"因上述数据缺失，无法判断{this}是否存在预售资金监管异常。")
    else:
        out.append(f"{this}未发现预售资金监管异常。")
    if d.developers:
        names = "；".join(
            f"{r['developer']}（{r['tier_zh']}，触及{fmt.count(r['lines_breached'], '条')}红线："
            f"{r['lines_zh'] or fmt.MISSING}）"
            for r in d.developers
        )
        out.append(f"{quarter}处于橙档或红档的重点房地产企业{len(d.developers)}家：{names}。")
    elif quarter:
        out.append(f"{quarter}重点房地产企业均未处于橙档或红档。")
    if d.resale_escrow:
        names = "；".join(
            f"{r['geo_name']}{r['period_start'].month}月二手房成交{fmt.count(r.get('contracts'))}，"
            f"未纳入资金监管{fmt.count(r.get('contracts_outside_escrow'))}"
            f"（{fmt.pct(r.get('outside_escrow_share_pct'))}）"
            for r in d.resale_escrow
        )
        out.append(f"二手房交易资金监管覆盖不足：{names}。")
    else:
        out.append("二手房交易资金监管未触发预警。")
    return out


def delivery_risk_sentence(d: BriefData) -> str:
    """保交楼风险项目清单's lead: how many projects, how many red, or none."""
    rows = d.delivery_risk
    if not rows:
        return f"{_this(d.period)}无工程停滞、逾期交付或预售资金监管预警项目。"
    red = sum(1 for r in rows if r["worst_level"] == "red")
    text = f"{_this(d.period)}{len(rows)}个项目触发工程停滞、逾期交付或预售资金监管预警"
    return text + (f"，其中{red}个达到红色。" if red else "。")


def headline(d: BriefData) -> list[str]:
    """The summary paragraph, one sentence per market, then the alerts."""
    return [
        new_home_sentence(d),
        index_sentence("new_home", d.indices.get("new_home") or {}, d.period) + "。",
        resale_sentence(d),
        index_sentence("resale", d.indices.get("resale") or {}, d.period) + "。",
        supply_sentence(d),
        land_sentence(d),
        alerts_sentence(d),
    ]
