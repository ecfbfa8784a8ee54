"""预警 Alerts: filter by level, rule, district and period; each alert with its explanation,
threshold, history and evidence; analysts acknowledge, assign and comment (kept in app_state)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app import charts, fmt
from app.catalog import pick
from app.dashboard.widgets import chart, lang, q, require_warehouse, table, tr
from serving import reviews

LIST_LIMIT = 500


def filters() -> tuple[str, list]:
    zh = lang()
    levels = q("select level from reference.alert_levels order by sort_order")["level"].to_list()
    rules = q("select rule_id, name_zh, name_en from reference.alert_rules order by rule_id")
    rule_names = {r["rule_id"]: pick(r["name_zh"], r["name_en"], zh) for r in rules.to_dicts()}
    districts = q("select district_code, district_name from dim_geography order by sort_order")
    names = dict(zip(districts["district_code"], districts["district_name"], strict=True))
    months = q("select distinct period_start from fct_alerts order by period_start")[
        "period_start"
    ].to_list()
    c = st.columns(4)
    chosen_levels = c[0].multiselect(
        tr("level"), levels, default=levels[:3], key="al_levels",
        format_func=lambda v: charts.level_name(v, zh),
    )  # fmt: skip
    chosen_rules = c[1].multiselect(
        tr("rule"), list(rule_names), key="al_rules", format_func=rule_names.get
    )
    chosen_districts = c[2].multiselect(
        tr("district"), list(names), key="al_districts", format_func=names.get
    )
    start, end = c[3].select_slider(
        tr("period"), months, value=(months[max(0, len(months) - 12)], months[-1]),
        key="al_period", format_func=lambda m: str(m)[:7],
    )  # fmt: skip
    where = ["period_start between ? and ?"]
    params: list = [start, end]
    for column, chosen in (("level", chosen_levels), ("rule_id", chosen_rules),
                           ("district_code", chosen_districts)):  # fmt: skip
        if chosen:
            where.append(f"{column} in ({', '.join('?' * len(chosen))})")
            params.extend(chosen)
    return " and ".join(where), params


def detail(alert: dict) -> None:
    zh = lang()
    st.markdown(f"### {charts.level_name(alert['level'], zh)} · "
                f"{pick(alert['rule_name_zh'], alert['rule_name_en'], zh)}")  # fmt: skip
    st.info(pick(alert["explanation_zh"], alert["explanation_en"], zh))
    c = st.columns(4)
    c[0].metric(tr("observed"), fmt.index_value(alert["observed_value"]))
    c[1].metric(tr("threshold"), f"{alert['comparator']} "
                f"{fmt.index_value(alert['effective_threshold'])}")  # fmt: skip
    c[2].metric(tr("months_running"), fmt.count(alert["months_running"], ""))
    c[3].metric(tr("period"), fmt.month_label(alert["period_start"], zh))
    hist = q(
        "select period_start, observed_value, effective_threshold, level from fct_alerts "
        "where rule_id = ? and geo_code is not distinct from ? "
        "and entity_id is not distinct from ? order by period_start",
        [alert["rule_id"], alert["geo_code"], alert["entity_id"]],
    )
    st.markdown(f"**{tr('history')}**")
    if hist.height > 1:
        chart(charts.index_line(hist, zh, value="observed_value", series=None,
                                y_title=tr("observed"),
                                reference=alert["effective_threshold"]))  # fmt: skip
    else:
        st.caption(f"{tr('history')}: {hist.height}")
    st.markdown(f"**{tr('evidence')}**")
    evidence = q(
        "select evidence_type, evidence_id, evidence_name, related_id, event_date, "
        f"measure_{'en' if zh == 'en' else 'zh'} as measure, measure_value, measure_unit, "
        "source_model from fct_alert_evidence where alert_id = ? order by event_date, evidence_id",
        [alert["alert_id"]],
    )
    if evidence.height:
        table(evidence, f"evidence_{alert['alert_id'][:8]}")
    else:
        st.caption(tr("no_evidence"))
    review_panel(alert["alert_id"])


def review_panel(alert_id: str) -> None:
    st.markdown(f"**{tr('review')}**")
    if st.button(tr("acknowledge"), key=f"ack_{alert_id}"):
        reviews.add_review(alert_id, "acknowledged", reviewer=st.session_state.get("reviewer"))
        st.success(tr("review_saved"))
    with st.form(f"review_{alert_id}", clear_on_submit=True):
        c = st.columns(3)
        status = c[0].selectbox(tr("review_status"), reviews.STATUSES,
                                format_func=lambda s: tr(f"status_{s}"))  # fmt: skip
        assignee = c[1].text_input(tr("assignee"))
        reviewer = c[2].text_input(tr("reviewer"), key="reviewer")
        comment = st.text_area(tr("comment"))
        if st.form_submit_button(tr("save_review")):
            reviews.add_review(alert_id, status, assignee, comment, reviewer)
            st.success(tr("review_saved"))
    past = reviews.history(alert_id)
    st.markdown(f"**{tr('review_history')}**")
    if past.height:
        st.dataframe(
            past.select("created_at", "status", "assignee", "comment", "reviewer"),
            hide_index=True, width="stretch",
        )  # fmt: skip
    else:
        st.caption(tr("no_reviews"))


def render() -> None:
    st.title(tr("page_alerts"))
    if not require_warehouse():
        return
    zh = lang()
    where, params = filters()
    found = q(
        f"select * from fct_alerts where {where} "
        "order by period_start desc, severity desc, rule_id, geo_code limit ?",
        [*params, LIST_LIMIT],
    )
    st.caption(tr("alerts_found", n=found.height))
    status = reviews.latest_status()
    listing = found.join(status, on="alert_id", how="left").select(
        pl.col("period_start").cast(pl.String).str.slice(0, 7).alias(tr("period")),
        pl.col("level").map_elements(lambda v: charts.level_name(v, zh),
                                     return_dtype=pl.String).alias(tr("level")),
        pl.col(f"rule_name_{'en' if zh == 'en' else 'zh'}").alias(tr("rule")),
        pl.col("geo_name").alias(tr("geo_name")),
        pl.col("entity_name").alias(tr("entity")),
        pl.col("observed_value").round(2).alias(tr("observed")),
        pl.col("status").fill_null("open").map_elements(
            lambda s: tr(f"status_{s}"), return_dtype=pl.String).alias(tr("review_status")),
        pl.col("alert_id"),
    )  # fmt: skip
    st.dataframe(listing, width="stretch", hide_index=True, height=280)
    if not found.height:
        return
    ids = found["alert_id"].to_list()
    wanted = st.query_params.get("alert")
    labels = {
        r["alert_id"]: f"{str(r['period_start'])[:7]} {charts.level_name(r['level'], zh)} "
        f"{pick(r['rule_name_zh'], r['rule_name_en'], zh)} {r['geo_name'] or ''} "
        f"{r['entity_name'] or ''}"
        for r in found.select("alert_id", "period_start", "level", "rule_name_zh",
                              "rule_name_en", "geo_name", "entity_name").to_dicts()
    }  # fmt: skip
    chosen = st.selectbox(
        tr("choose_alert"), ids, index=ids.index(wanted) if wanted in ids else 0,
        format_func=labels.get, key="al_chosen",
    )  # fmt: skip
    detail(found.filter(pl.col("alert_id") == chosen).row(0, named=True))


render()
