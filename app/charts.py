"""Altair chart builders shared by the dashboard and the briefs: Chinese labels, YYYY-MM month axes,
the five-zone signal colours (names and colours from the alert_levels seed), and a CJK font so
glyphs never render as boxes (ENGINEERING.md).

Each builder takes a polars (or pandas) frame and a language and returns an alt.Chart; the caller
decides whether it goes to st.altair_chart or vl-convert.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

from app.catalog import t
from core.seeds import SEEDS_DIR, SeedRow, read_seed

FONT = "Noto Sans CJK SC"
MONTH_FORMAT = "%Y-%m"
LEVELS_FILE = "alert_levels.csv"


def _levels() -> list[SeedRow]:
    """The signal levels in display order (hot to cold), green (no alert) included: names and
    colours come from the alert_levels seed, the one place they are defined."""
    columns = ("level", "level_zh", "level_en", "sort_order", "colour_hex")
    rows = read_seed(SEEDS_DIR, LEVELS_FILE, columns)
    return sorted(rows, key=lambda row: int(row.get("sort_order")))


_LEVELS = _levels()
LEVEL_ORDER = [row.get("level") for row in _LEVELS]
LEVEL_COLOURS = {row.get("level"): row.get("colour_hex") for row in _LEVELS}
LEVEL_NAMES = {row.get("level"): (row.get("level_zh"), row.get("level_en")) for row in _LEVELS}


def level_name(level: str, lang: str = "zh") -> str:
    """红色 / red for a level code; unknown codes pass through."""
    zh, en = LEVEL_NAMES.get(level, (level, level))
    return en if lang == "en" else zh


def _frame(data: Any) -> pl.DataFrame:
    return data if isinstance(data, pl.DataFrame) else pl.from_pandas(data)


def _style(chart: alt.Chart | alt.LayerChart, title: str | None) -> alt.Chart:
    props: dict[str, Any] = {"width": "container", "height": 280}
    if title:
        props["title"] = alt.Title(title, font=FONT, anchor="start")
    return (
        chart.properties(**props)
        .configure(font=FONT)
        .configure_axis(labelFont=FONT, titleFont=FONT)
        .configure_legend(labelFont=FONT, titleFont=FONT, orient="bottom")
    )


def index_line(
    data: Any,
    lang: str = "zh",
    value: str = "index_value",
    series: str | None = "geo_name",
    period: str = "period_start",
    title: str | None = None,
    y_title: str | None = None,
    reference: float | None = None,
) -> alt.Chart:
    """A monthly series line chart; one line per `series` value; optional horizontal reference
    line (100 for 环比/同比 indices)."""
    df = _frame(data).select([c for c in (period, value, series) if c]).drop_nulls(value)
    month = t("month", lang)
    y_label = y_title or t("index", lang)
    encoding: dict[str, Any] = {
        "x": alt.X(f"{period}:T", title=month, axis=alt.Axis(format=MONTH_FORMAT, labelAngle=0)),
        "y": alt.Y(f"{value}:Q", title=y_label, scale=alt.Scale(zero=False)),
        "tooltip": [
            alt.Tooltip(f"{period}:T", title=month, format=MONTH_FORMAT),
            alt.Tooltip(f"{value}:Q", title=y_label, format=",.1f"),
        ],
    }
    if series:
        encoding["color"] = alt.Color(f"{series}:N", title=t("series", lang))
        encoding["tooltip"].insert(0, alt.Tooltip(f"{series}:N", title=t("series", lang)))
    lines = alt.Chart(df).mark_line(point=len(df) <= 36).encode(**encoding)
    if reference is None:
        return _style(lines, title)
    rule = (
        alt.Chart(pl.DataFrame({"ref": [reference]})).mark_rule(strokeDash=[4, 4]).encode(y="ref:Q")
    )
    return _style(alt.layer(lines, rule), title)


def district_bar(
    data: Any,
    lang: str = "zh",
    value: str = "value",
    label: str = "geo_name",
    title: str | None = None,
    x_title: str | None = None,
    value_format: str = ",.1f",
) -> alt.Chart:
    """Horizontal bars per district, largest first."""
    df = _frame(data).select(label, value).drop_nulls(value)
    x_label = x_title or t("value", lang)
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y(f"{label}:N", sort="-x", title=t("district", lang)),
            x=alt.X(f"{value}:Q", title=x_label),
            tooltip=[
                alt.Tooltip(f"{label}:N", title=t("district", lang)),
                alt.Tooltip(f"{value}:Q", title=x_label, format=value_format),
            ],
        )
    )
    return _style(chart, title)


def alert_level_counts(
    data: Any, lang: str = "zh", level: str = "level", n: str = "alerts", title: str | None = None
) -> alt.Chart:
    """Alert counts per level in the five-zone colours, red to blue."""
    df = _frame(data).select(level, n)
    df = df.with_columns(
        pl.col(level).map_elements(lambda x: level_name(x, lang), return_dtype=pl.String)
        .alias("level_label")
    )  # fmt: skip
    present = [lv for lv in LEVEL_ORDER if lv in set(df[level].to_list())]
    labels = [level_name(lv, lang) for lv in present]
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("level_label:N", sort=labels, title=t("level", lang)),
            y=alt.Y(f"{n}:Q", title=t("count", lang)),
            color=alt.Color(
                "level_label:N",
                scale=alt.Scale(domain=labels, range=[LEVEL_COLOURS[lv] for lv in present]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("level_label:N", title=t("level", lang)),
                alt.Tooltip(f"{n}:Q", title=t("count", lang)),
            ],
        )
    )
    return _style(chart, title)


def monthly_bars(
    data: Any,
    lang: str = "zh",
    value: str = "value",
    period: str = "period_start",
    title: str | None = None,
    y_title: str | None = None,
    value_format: str = ",.0f",
) -> alt.Chart:
    """Monthly volumes as bars on a YYYY-MM axis (one bar per month, no repeated labels)."""
    df = _frame(data).select(period, value).drop_nulls(value)
    month = t("month", lang)
    y_label = y_title or t("value", lang)
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X(f"yearmonth({period}):O", title=month, axis=alt.Axis(format=MONTH_FORMAT)),
            y=alt.Y(f"{value}:Q", title=y_label),
            tooltip=[
                alt.Tooltip(f"{period}:T", title=month, format=MONTH_FORMAT),
                alt.Tooltip(f"{value}:Q", title=y_label, format=value_format),
            ],
        )
    )
    return _style(chart, title)
