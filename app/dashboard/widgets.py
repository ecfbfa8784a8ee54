"""Widgets shared by the dashboard pages: language, warehouse queries, selectors, downloads,
alert-level colouring and the missing-source notice."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import altair as alt
import polars as pl
import streamlit as st

from app import charts, fmt
from app.catalog import t
from serving import warehouse

GRAINS = ("month", "quarter", "year")
GEO_LEVELS = ("city", "urban", "district", "block")


def lang() -> str:
    """The session's language: Chinese unless the analyst switched to English."""
    return st.session_state.get("lang", "zh")


def tr(key: str, **fields: object) -> str:
    return t(key, lang(), **fields)


def q(sql: str, params: list | None = None) -> pl.DataFrame:
    """A read-only query on the published warehouse, cached until the next publish."""
    return warehouse.query(sql, params)


def require_warehouse() -> bool:
    """False (with a message) while nothing is published, so pages stop cleanly."""
    try:
        warehouse.version()
    except warehouse.NotPublished:
        st.warning(tr("no_warehouse"))
        return False
    return True


def latest_month() -> Any:
    """The last month with new-home sales: the month every headline describes (without
    new-home contracts, the last month any source delivered)."""
    return warehouse.scalar(
        "select coalesce((select max(period_start) from fct_new_home_sales where period_grain"
        " = 'month'), (select max(period_start) from fct_data_quality where records_landed > 0))"
    )


def delta(change_pct: float | None, basis: str = "yoy") -> str | None:
    """A metric delta that starts with its sign, so Streamlit's arrow points the right way:
    '-2.1% 同比' (the words 上涨/下降 would always draw an up arrow)."""
    if change_pct is None:
        return None
    return f"{fmt.pct(change_pct, signed=True)} {tr(basis)}"


def chart(spec: alt.Chart | alt.LayerChart) -> None:
    st.altair_chart(spec, width="stretch")


@dataclass(frozen=True)
class Scope:
    grain: str
    geo_level: str
    geo_name: str | None
    since: Any


def scope_selectors(table: str, key: str, levels: tuple[str, ...] = GEO_LEVELS) -> Scope:
    """Period grain, geography level and area, and the first period to show."""
    cols = st.columns(4)
    grain = cols[0].selectbox(
        tr("period_grain"), GRAINS, format_func=lambda g: tr(f"grain_{g}"), key=f"{key}_grain"
    )
    level = cols[1].selectbox(
        tr("geo_level"), levels, format_func=lambda g: tr(f"geo_{g}"), key=f"{key}_level"
    )
    names = q(
        f"select distinct geo_name from {table} where geo_level = ? order by geo_name", [level]
    )["geo_name"].to_list()
    name = None
    if len(names) > 1:
        name = cols[2].selectbox(tr("geo_name"), names, key=f"{key}_name")
    elif names:
        name = names[0]
    periods = q(
        f"select distinct period_start from {table} where period_grain = ? order by 1", [grain]
    )["period_start"].to_list()
    default = max(0, len(periods) - {"month": 36, "quarter": 16, "year": 10}[grain])
    since = (
        cols[3].selectbox(tr("from_period"), periods, index=default, key=f"{key}_since")
        if periods
        else None
    )
    return Scope(grain, level, name, since)


def scoped(table: str, scope: Scope, extra: str = "", columns: str = "*") -> pl.DataFrame:
    """Rows of a geo × period mart inside the chosen scope, oldest first."""
    where = "period_grain = ? and geo_level = ? and period_start >= ?"
    params: list = [scope.grain, scope.geo_level, scope.since]
    if scope.geo_name:
        where += " and geo_name = ?"
        params.append(scope.geo_name)
    if extra:
        where += f" and {extra}"
    return q(f"select {columns} from {table} where {where} order by period_start", params)


def index_series(market: str, scope: Scope) -> pl.DataFrame:
    """The headline price index of a market for the scope (no block-level indices exist)."""
    level = "city" if scope.geo_level == "block" else scope.geo_level
    params: list = [market, scope.grain, level, scope.since]
    where = ""
    if scope.geo_name and scope.geo_level != "block":
        where = " and geo_name = ?"
        params.append(scope.geo_name)
    return q(
        "select period_start, geo_name, index_value, mom_index, yoy_index, n, method "
        "from fct_price_indices where market = ? and is_headline and band = 'all' "
        f"and period_grain = ? and geo_level = ? and period_start >= ?{where} "
        "order by period_start",
        params,
    )


def downloads(frame: pl.DataFrame, name: str) -> None:
    """CSV (UTF-8 with BOM, so Excel opens Chinese correctly) and .xlsx of a table."""
    cols = st.columns(2)
    csv = "\ufeff" + frame.write_csv()
    cols[0].download_button(
        tr("download_csv"), csv.encode("utf-8"), f"{name}.csv", "text/csv", key=f"{name}_csv"
    )
    buf = io.BytesIO()
    frame.write_excel(buf, worksheet=name[:31])
    cols[1].download_button(
        tr("download_xlsx"),
        buf.getvalue(),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{name}_xlsx",
    )


def table(frame: pl.DataFrame, name: str) -> None:
    """A table with its downloads."""
    st.dataframe(frame, width="stretch", hide_index=True)
    downloads(frame, name)


def level_labels(language: str) -> dict[str, str]:
    """● 红色 per level code: level names as text (the CJK fonts have no colour emoji), coloured
    where the table is styled."""
    return {code: f"● {charts.level_name(code, language)}" for code in charts.LEVEL_ORDER}


def level_column(column: str, language: str) -> pl.Expr:
    """A level-code column as its label; no alert reads as green."""
    labels = level_labels(language)
    return pl.col(column).fill_null("green").replace_strict(labels, default=pl.col(column))


def tier_column(language: str) -> pl.Expr:
    """● 红档 (the mart's tier_zh) / ● red tier: tier codes are alert-level codes."""
    if language == "en":
        return pl.format("● {} tier", pl.col("tier"))
    return pl.format("● {}", pl.col("tier_zh"))


def coloured(language: str) -> dict[str, str]:
    """Cell text → CSS colour from the alert_levels seed, for levels and tiers alike."""
    out = {}
    for code in charts.LEVEL_ORDER:
        css = f"color: {charts.LEVEL_COLOURS[code]}; font-weight: 600"
        out[f"● {charts.level_name(code, language)}"] = css
        out[f"● {code} tier" if language == "en" else f"● {charts.level_name(code)[0]}档"] = css
    return out


def styled(
    frame: pl.DataFrame, columns: list[str], language: str, formats: dict | None = None
) -> Any:
    """A pandas Styler colouring `columns` with the alert-level colours; one decimal (the
    tables round to it), gaps as —."""
    css = coloured(language)
    style = frame.to_pandas().style.map(lambda v: css.get(v, ""), subset=columns)
    style = style.format(precision=1, na_rep=fmt.MISSING)
    return style.format(formats, subset=list(formats), na_rep=fmt.MISSING) if formats else style


def missing_sources(sources: tuple[str, ...]) -> list[str]:
    """The gap messages of the sources among `sources` never delivered (fct_data_quality)."""
    suffix = "en" if lang() == "en" else "zh"
    rows = q(
        f"select data_source, any_value(data_source_name_{suffix}) as name, "
        f"max_by(gap_message_{suffix}, period_start) as message from fct_data_quality "
        f"where data_source in ({', '.join('?' * len(sources))}) and not source_delivered "
        "group by data_source order by data_source",
        list(sources),
    )
    return [r["message"] or tr("source_not_delivered", name=r["name"]) for r in rows.to_dicts()]


def say_missing(sources: tuple[str, ...]) -> bool:
    """An info line per undelivered source; True when any is missing."""
    messages = missing_sources(sources)
    for message in messages:
        st.info(message)
    return bool(messages)
