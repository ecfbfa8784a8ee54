"""The common body of the market pages (new homes, second-hand, rental, land, credit, supply):
scope selectors, the latest figures, the raw average beside the quality-adjusted index, band
breakdowns and a downloadable table."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
import streamlit as st

from app import charts, fmt
from app.catalog import pick
from app.dashboard.widgets import (
    GEO_LEVELS,
    Scope,
    chart,
    delta,
    index_series,
    lang,
    q,
    require_warehouse,
    scope_selectors,
    scoped,
    table,
    tr,
)

# The band seeds as published: their labels are the one wording of a band (briefs use them too).
BAND_SEEDS = {"size": "policy_size_bands", "total_price": "policy_total_price_bands"}


@dataclass(frozen=True)
class Metric:
    column: str
    zh: str
    en: str
    kind: str = "number"  # number | count | price | rent | area | money | pct | months

    def label(self) -> str:
        return self.en if lang() == "en" else self.zh

    def text(self, value) -> str:
        return {
            "count": lambda v: fmt.count(v, ""),
            "price": fmt.price,
            "rent": lambda v: fmt.price(v, "元/㎡·月"),
            "area": fmt.area_wan,
            "money": fmt.money_yi,
            "pct": fmt.pct,
            "months": lambda v: fmt.index_value(v),
        }.get(self.kind, lambda v: fmt.index_value(v))(value)


@dataclass(frozen=True)
class MarketSpec:
    key: str
    title: str
    table: str
    headline: Metric
    metrics: tuple[Metric, ...]
    extra: str = ""
    index_market: str | None = None
    bands: bool = False
    levels: tuple[str, ...] = GEO_LEVELS
    table_columns: tuple[str, ...] = field(default_factory=tuple)


def band_labels(language: str) -> dict[str, str]:
    """Band code -> label in `language`, from the published band seeds."""
    labels: dict[str, str] = {}
    for seed in BAND_SEEDS.values():
        rows = q(f"select band_code, band_label_zh, band_label_en from reference.{seed}")
        for row in rows.to_dicts():
            labels[row["band_code"]] = pick(row["band_label_zh"], row["band_label_en"], language)
    return labels


def _band_breakdown(spec: MarketSpec, scope: Scope, last) -> None:
    params: list = [scope.grain, scope.geo_level, last]
    where = ""
    if scope.geo_name:
        where = " and geo_name = ?"
        params.append(scope.geo_name)
    bands = q(
        f"select band_type, band, units, avg_price_yuan_per_sqm from {spec.table} "
        f"where period_grain = ? and geo_level = ? and period_start = ?{where} "
        "and band_type in ('size', 'total_price') order by band_type, band",
        params,
    ).with_columns(pl.col("band").replace_strict(band_labels(lang()), default=pl.col("band")))
    st.subheader(f"{tr('breakdown')} · {fmt.month_label(last, lang())}")
    cols = st.columns(2)
    pairs = ((cols[0], "size", "band_size"), (cols[1], "total_price", "band_total_price"))
    for col, band_type, title in pairs:
        part = bands.filter(pl.col("band_type") == band_type)
        with col:
            chart(
                charts.district_bar(
                    part, lang(), value="units", label="band", title=tr(title),
                    x_title=tr("units"), value_format=",.0f",
                )
            )  # fmt: skip


def market_page(spec: MarketSpec) -> Scope | None:
    """Render the common body; returns the chosen scope for page-specific extras."""
    st.title(tr(spec.title))
    if not require_warehouse():
        return None
    scope = scope_selectors(spec.table, spec.key, spec.levels)
    frame = scoped(spec.table, scope, spec.extra)
    if frame.height == 0:
        st.info("—")
        return scope
    last = frame.row(-1, named=True)
    cols = st.columns(len(spec.metrics))
    for col, metric in zip(cols, spec.metrics, strict=True):
        yoy = last.get(f"{metric.column}_yoy_pct")
        col.metric(
            metric.label(),
            metric.text(last.get(metric.column)),
            delta(yoy),
            delta_color="off",
        )
    st.caption(f"{tr('latest_month')}: {fmt.month_label(last['period_start'], lang())}")
    st.subheader(tr("index_vs_average") if spec.index_market else tr("trends"))
    left, right = st.columns(2)
    with left:
        chart(
            charts.index_line(
                frame, lang(), value=spec.headline.column, series="geo_name",
                title=spec.headline.label(), y_title=spec.headline.label(),
            )
        )  # fmt: skip
    with right:
        if spec.index_market:
            idx = index_series(spec.index_market, scope)
            chart(charts.index_line(idx, lang(), value="index_value", title=tr("index")))
        else:
            second = spec.metrics[1] if len(spec.metrics) > 1 else spec.headline
            chart(
                charts.index_line(
                    frame, lang(), value=second.column, title=second.label(),
                    y_title=second.label(),
                )
            )  # fmt: skip
    if spec.bands:
        _band_breakdown(spec, scope, last["period_start"])
    st.subheader(tr("table"))
    shown = frame.select(spec.table_columns) if spec.table_columns else frame
    table(shown, f"{spec.key}_{scope.grain}_{scope.geo_level}")
    return scope
