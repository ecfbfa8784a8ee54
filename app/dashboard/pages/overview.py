"""总览 Overview: the latest month's headline cards, district traffic lights, tile map, trends."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from app import charts, fmt
from app.dashboard.widgets import chart, delta, lang, latest_month, q, require_warehouse, tr

# A tile map: districts placed roughly as they lie (west → east, north → south).
TILES = {
    "320685": (0, 0), "320623": (2, 0), "320682": (0, 1), "320612": (1, 1),
    "320602": (1, 2), "320600K01": (2, 2), "320614": (3, 1), "320681": (4, 1),
    "320600K03": (3, 0), "320600K02": (3, 2),
}  # fmt: skip


def headline_index(market: str, month) -> dict:
    rows = q(
        "select mom_index, yoy_index from fct_price_indices where market = ? and is_headline "
        "and band = 'all' and geo_level = 'city' and period_grain = 'month' and period_start = ?",
        [market, month],
    )
    return rows.row(0, named=True) if rows.height else {"mom_index": None, "yoy_index": None}


def city_row(table: str, month, extra: str = "") -> dict:
    rows = q(
        f"select * from {table} where period_grain = 'month' and geo_level = 'city' "
        f"and period_start = ? {extra}",
        [month],
    )
    return rows.row(0, named=True) if rows.height else {}


def cards(month) -> None:
    zh = lang()
    new = headline_index("new_home", month)
    old = headline_index("resale", month)
    sales = city_row("fct_new_home_sales", month, "and band_type = 'all'")
    resale = city_row("fct_resale_sales", month, "and band_type = 'all'")
    land = city_row("fct_land_market", month, "and use_group = 'residential'")
    supply = city_row("fct_housing_supply", month)
    row1 = st.columns(4)
    for col, key, idx in ((row1[0], "new_home_index", new), (row1[1], "resale_index", old)):
        col.metric(
            tr(key),
            fmt.index_value(idx["mom_index"]),
            delta(fmt.index_to_pct(idx["yoy_index"])),
            delta_color="off",
            help=tr("index_mom"),
        )
    row1[2].metric(
        tr("new_home_units"),
        fmt.count(sales.get("units")),
        delta(sales.get("units_yoy_pct")),
        delta_color="off",
    )
    row1[3].metric(
        tr("new_home_price"),
        fmt.price(sales.get("avg_price_yuan_per_sqm")),
        delta(sales.get("avg_price_yuan_per_sqm_yoy_pct")),
        delta_color="off",
    )
    row2 = st.columns(4)
    row2[0].metric(
        tr("resale_units"),
        fmt.count(resale.get("units")),
        delta(resale.get("units_yoy_pct")),
        delta_color="off",
    )
    row2[1].metric(tr("resale_price"), fmt.price(resale.get("avg_price_yuan_per_sqm")))
    row2[2].metric(
        tr("land_revenue"),
        fmt.money_yi(land.get("land_revenue_yuan")),
        fmt.count(land.get("parcels_sold"), "宗" if zh == "zh" else " parcels"),
        delta_color="off",
    )
    row2[3].metric(
        tr("months_of_supply"), fmt.index_value(supply.get("months_of_supply_12m_months"))
    )


def districts(month) -> pl.DataFrame:
    return q(
        """
        with sales as (
            select geo_code, geo_name, units, avg_price_yuan_per_sqm
            from fct_new_home_sales where period_grain = 'month' and geo_level = 'district'
              and band_type = 'all' and period_start = $m
        ), idx as (
            select geo_code, yoy_index from fct_price_indices where market = 'new_home'
              and is_headline and band = 'all' and geo_level = 'district'
              and period_grain = 'month' and period_start = $m
        ), mos as (
            select geo_code, months_of_supply_12m_months from fct_housing_supply
            where period_grain = 'month' and geo_level = 'district' and period_start = $m
        ), worst as (
            select district_code, worst_level, alert_count from fct_district_alert_status
            where period_start = $m
        )
        select g.district_code, g.district_name, s.units, s.avg_price_yuan_per_sqm,
               i.yoy_index, m.months_of_supply_12m_months,
               coalesce(w.worst_level, 'green') as level, coalesce(w.alert_count, 0) as alerts
        from dim_geography g
        left join sales s on s.geo_code = g.district_code
        left join idx i on i.geo_code = g.district_code
        left join mos m on m.geo_code = g.district_code
        left join worst w on w.district_code = g.district_code
        order by g.sort_order
        """,
        {"m": month},
    )


def tile_map(frame: pl.DataFrame) -> alt.Chart:
    zh = lang()
    cells = frame.with_columns(
        pl.col("district_code").replace_strict(TILES, default=None).alias("xy"),
        pl.col("level").map_elements(lambda v: charts.level_name(v, zh), return_dtype=pl.String)
        .alias("level_label"),
    ).drop_nulls("xy").with_columns(
        pl.col("xy").list.get(0).alias("x"), pl.col("xy").list.get(1).alias("y")
    ).drop("xy")  # fmt: skip
    levels = [lv for lv in charts.LEVEL_ORDER if lv in set(cells["level"].to_list())]
    colour = alt.Color(
        "level_label:N",
        scale=alt.Scale(
            domain=[charts.level_name(lv, zh) for lv in levels],
            range=[charts.LEVEL_COLOURS[lv] for lv in levels],
        ),
        title=tr("level"),
    )
    base = alt.Chart(cells).encode(x=alt.X("x:O", axis=None), y=alt.Y("y:O", axis=None))
    rects = base.mark_rect(stroke="white", strokeWidth=3).encode(
        color=colour, tooltip=["district_name", "level_label", "alerts"]
    )
    text = base.mark_text(font=charts.FONT, fontSize=13).encode(text="district_name:N")
    return (
        alt.layer(rects, text)
        .properties(height=260, title=tr("tile_map"))
        .configure(font=charts.FONT)
    )


def render() -> None:
    st.title(f"{tr('page_overview')} · {tr('app_title')}")
    if not require_warehouse():
        return
    month = latest_month()
    zh = lang()
    st.caption(f"{tr('latest_month')}: {fmt.month_label(month, zh)}")
    cards(month)
    st.subheader(tr("alerts_by_level"))
    levels = q(
        "select level, count(*) as alerts from fct_alerts where period_grain = 'month' "
        "and period_start = ? group by level",
        [month],
    )
    left, right = st.columns(2)
    with left:
        chart(charts.alert_level_counts(levels, zh))
    frame = districts(month)
    with right:
        chart(tile_map(frame))
    st.subheader(tr("district_lights"))
    view = frame.select(
        # level names as text: the CJK fonts the server and PDFs use have no colour emoji
        pl.col("level")
        .map_elements(lambda level: f"● {charts.level_name(level, lang())}", return_dtype=pl.Utf8)
        .alias(tr("level")),
        pl.col("district_name").alias(tr("district")),
        pl.col("units").alias(tr("units")),
        pl.col("avg_price_yuan_per_sqm").round(0).alias(tr("avg_price")),
        (pl.col("yoy_index") - 100).round(1).alias(f"{tr('yoy')} %"),
        pl.col("months_of_supply_12m_months").round(1).alias(tr("months_of_supply")),
        pl.col("alerts").alias(tr("page_alerts")),
    )
    st.dataframe(view, width="stretch", hide_index=True)
    st.subheader(tr("trends"))
    trend = q(
        "select period_start, market, yoy_index from fct_price_indices where is_headline "
        "and band = 'all' and geo_level = 'city' and period_grain = 'month' "
        "and market in ('new_home', 'resale') "
        "and period_start > cast(? as date) - interval 36 month "
        "order by period_start",
        [month],
    ).with_columns(
        pl.col("market").replace_strict(
            {"new_home": tr("new_home_index"), "resale": tr("resale_index")}
        )
    )
    chart(charts.index_line(trend, zh, value="yoy_index", series="market",
                            y_title=tr("index_yoy"), reference=100.0))  # fmt: skip


render()
