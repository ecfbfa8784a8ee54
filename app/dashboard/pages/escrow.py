"""预售资金监管 Presale-fund supervision: the month's escrow accounts and projects (收存率, balance
against the key funds still required, releases against construction nodes, stalls and overdue
delivery) with their alerts and evidence, developers by financing tier, and resale escrow.

Every figure comes from a mart (fct_presale_escrow, fct_developer_risk, fct_resale_escrow,
fct_alerts, fct_alert_evidence): the page selects, counts rows and formats. Where a source was
never delivered the section says which one, from fct_data_quality.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from app import charts, fmt
from app.catalog import pick
from app.dashboard.widgets import (
    chart,
    lang,
    latest_month,
    level_column,
    q,
    require_warehouse,
    say_missing,
    styled,
    table,
    tier_column,
    tr,
)

ESCROW_SOURCES = ("escrow_agreement", "escrow_statement", "construction")
DEVELOPER_SOURCES = ("developer_finance",)
RESALE_SOURCES = ("resale",)
SORTS = ("risk", "deposit", "balance", "release", "stalled", "delivery")


def months() -> list:
    return q("select distinct period_start from fct_data_quality order by 1 desc")[
        "period_start"
    ].to_list()


def month_picker() -> Any:
    choices = months()
    if not choices:
        return None
    latest = latest_month()
    index = choices.index(latest) if latest in choices else 0
    return st.selectbox(
        tr("month"), choices, index=index, key="es_month",
        format_func=lambda m: fmt.month_label(m, lang()),
    )  # fmt: skip


def project_alerts(month) -> pl.DataFrame:
    """Each project's presale-fund alerts of the month, worst first."""
    return q(
        "select entity_id as project_id, alert_id, rule_id, rule_name_zh, rule_name_en, level, "
        "severity, explanation_zh, explanation_en from fct_alerts "
        "where rule_family = 'presale_escrow' and entity_type = 'project' and period_start = ? "
        "order by severity desc, rule_id",
        [month],
    )


def developer_quarter(month) -> Any:
    """The last quarter that has ended by the month's end (its return can be in)."""
    return q(
        "select max(period_start) as q from fct_developer_risk "
        "where period_quarter_end < cast(? as date) + interval 1 month",
        [month],
    )["q"][0]


def cards(month, alerts: pl.DataFrame, quarter, escrow_missing: bool) -> None:
    counts = q(
        "select count(*) filter (where escrow_level = 'permit') as permits, "
        "count(*) filter (where escrow_level = 'project') as projects, "
        "count(*) filter (where escrow_level = 'project' and deposit_ratio_3m_pct is not null) "
        "as judged, "
        "count(*) filter (where escrow_level = 'project' and construction_months_overdue > 0) "
        "as stalled from fct_presale_escrow where period_start = ?",
        [month],
    ).row(0, named=True)
    flagged = {
        rule: alerts.filter(pl.col("rule_id") == rule)["project_id"].n_unique()
        for rule in ("escrow_deposit_shortfall", "escrow_balance_short", "escrow_release_ahead")
    }
    tiers = q(
        "select count(*) filter (where tier in ('orange', 'red')) as n, count(*) as total "
        "from fct_developer_risk where period_start = ?",
        [quarter],
    ).row(0, named=True)
    if not counts["permits"] and escrow_missing:  # not delivered: unknown, not zero
        counts = dict.fromkeys(counts)
        flagged = dict.fromkeys(flagged)
    if quarter is None:
        tiers = dict.fromkeys(tiers)

    def of(key: str, value) -> str | None:
        return None if value is None else tr(key, n=value)

    c = st.columns(6)
    c[0].metric(
        tr("permits_supervised"), fmt.count(counts["permits"], ""),
        of("n_projects", counts["projects"]), delta_color="off", delta_arrow="off",
    )  # fmt: skip
    c[1].metric(
        tr("deposit_shortfall_projects"), fmt.count(flagged["escrow_deposit_shortfall"], ""),
        of("n_judged", counts["judged"]), delta_color="off", delta_arrow="off",
        help=tr("no_city_ratio"),
    )  # fmt: skip
    c[2].metric(
        tr("balance_short_projects"), fmt.count(flagged["escrow_balance_short"], ""),
        help=tr("judged_by_rule"),
    )  # fmt: skip
    c[3].metric(
        tr("release_ahead_projects"), fmt.count(flagged["escrow_release_ahead"], ""),
        help=tr("judged_by_rule"),
    )  # fmt: skip
    c[4].metric(tr("stalled_projects"), fmt.count(counts["stalled"], ""), help=tr("stalled_help"))
    c[5].metric(
        tr("developers_orange_red"), fmt.count(tiers["n"], ""),
        of("n_developers", tiers["total"]), delta_color="off", delta_arrow="off",
    )  # fmt: skip


def project_rows(month, alerts: pl.DataFrame) -> pl.DataFrame:
    rows = q(
        "select e.project_id, e.project_name, e.developer, e.district_name, e.permits, "
        "e.deposit_ratio_3m_pct, e.balance_vs_required_pct, e.release_excess_pct_of_key, "
        "p.release_nodes_zh, e.months_since_milestone, e.construction_months_overdue, "
        "e.delivery_months_overdue, e.is_selling, e.is_completed, r.risk_score, "
        "r.risk_band_zh, r.risk_band, r.explanation_zh from fct_presale_escrow e "
        "left join fct_project_delivery_risk r "
        "  on r.project_id = e.project_id and r.period_start = e.period_start "
        "left join (select m.project_id, string_agg(distinct m.release_node_zh, ' / ' "
        "  order by m.release_node_zh) as release_nodes_zh from fct_presale_escrow m "
        "  where m.escrow_level = 'permit' and m.period_start = ? group by 1) p "
        "  on p.project_id = e.project_id "
        "where e.escrow_level = 'project' and e.period_start = ? order by e.project_id",
        [month, month],
    )
    worst = alerts.group_by("project_id").agg(
        pl.col("level").sort_by("severity", descending=True).first(),
        pl.col("severity").max(),
        pl.len().alias("alerts"),
    )
    return rows.join(worst, on="project_id", how="left").with_columns(
        pl.col("severity").fill_null(0), pl.col("alerts").fill_null(0)
    )


def sorted_projects(rows: pl.DataFrame, by: str) -> pl.DataFrame:
    """Riskiest first: by alert level, or by one measure (worst end first, gaps last)."""
    keys = {
        "risk": (["severity", "alerts", "construction_months_overdue"], [True, True, True]),
        "deposit": (["deposit_ratio_3m_pct"], [False]),
        "balance": (["balance_vs_required_pct"], [False]),
        "release": (["release_excess_pct_of_key"], [True]),
        "stalled": (["construction_months_overdue"], [True]),
        "delivery": (["delivery_months_overdue"], [True]),
    }[by]
    return rows.sort(keys[0], descending=keys[1], nulls_last=True)


def project_view(rows: pl.DataFrame) -> pl.DataFrame:
    language = lang()
    yes_no = {True: tr("yes"), False: tr("no")}
    return rows.select(
        level_column("level", language).alias(tr("level")),
        pl.col("project_id").alias(tr("project_id")),
        pl.col("project_name").alias(tr("project")),
        pl.col("developer").alias(tr("developer")),
        pl.col("district_name").alias(tr("district")),
        pl.col("permits").alias(tr("permits")),
        pl.col("deposit_ratio_3m_pct").round(1).alias(tr("deposit_ratio")),
        pl.col("balance_vs_required_pct").round(1).alias(tr("balance_cover")),
        pl.col("release_excess_pct_of_key").round(1).alias(tr("release_excess")),
        pl.col("release_nodes_zh").alias(tr("permit_release_nodes")),
        pl.col("months_since_milestone").alias(tr("months_since_milestone")),
        pl.col("construction_months_overdue").alias(tr("construction_overdue")),
        pl.col("delivery_months_overdue").alias(tr("delivery_overdue")),
        pl.col("is_selling").replace_strict(yes_no, default=None).alias(tr("is_selling")),
        pl.col("alerts").alias(tr("page_alerts")),
        pl.col("risk_score").round(1).alias(tr("delivery_risk_score")),
        pl.col("risk_band_zh" if language == "zh" else "risk_band").alias(tr("delivery_risk_band")),
        pl.col("explanation_zh").alias(tr("delivery_risk_explanation")),
    )  # fmt: skip


def project_detail(project: dict, month, alerts: pl.DataFrame) -> None:
    zh = lang()
    suffix = "en" if zh == "en" else "zh"
    st.markdown(f"### {project['project_name']} · {project['project_id']}")
    mine = alerts.filter(pl.col("project_id") == project["project_id"])
    for alert in mine.to_dicts():
        st.warning(
            f"{charts.level_name(alert['level'], zh)} · "
            f"{pick(alert['rule_name_zh'], alert['rule_name_en'], zh)}: "
            f"{pick(alert['explanation_zh'], alert['explanation_en'], zh)}"
        )
    permits = q(
        "select permit_id, bank_name, key_amount_yuan, deposit_ratio_3m_pct, "
        "closing_balance_yuan, required_key_balance_yuan, balance_vs_required_pct, "
        "releases_to_date_yuan, release_allowed_yuan, release_excess_pct_of_key, "
        "e.release_node_zh, coalesce(n.node_zh, e.lead_node) as lead_node_zh, "
        "months_since_milestone, construction_months_overdue, delivery_months_overdue "
        "from fct_presale_escrow e left join reference.policy_escrow_nodes n "
        "on n.node = e.lead_node where escrow_level = 'permit' and project_id = ? "
        "and period_start = ? order by permit_id",
        [project["project_id"], month],
    )
    st.markdown(f"**{tr('permits_of_project')}**")
    table(
        permits.select(
            pl.col("permit_id").alias(tr("permit")),
            pl.col("bank_name").alias(tr("bank")),
            (pl.col("key_amount_yuan") / 1e4).round(1).alias(tr("key_amount_wan")),
            pl.col("deposit_ratio_3m_pct").round(1).alias(tr("deposit_ratio")),
            (pl.col("closing_balance_yuan") / 1e4).round(1).alias(tr("closing_balance_wan")),
            (pl.col("required_key_balance_yuan") / 1e4).round(1).alias(tr("required_wan")),
            pl.col("balance_vs_required_pct").round(1).alias(tr("balance_cover")),
            (pl.col("releases_to_date_yuan") / 1e4).round(1).alias(tr("released_wan")),
            (pl.col("release_allowed_yuan") / 1e4).round(1).alias(tr("allowed_wan")),
            pl.col("release_excess_pct_of_key").round(1).alias(tr("release_excess")),
            pl.col("release_node_zh").alias(tr("release_node")),
            pl.col("lead_node_zh").alias(tr("lead_node")),
            pl.col("months_since_milestone").alias(tr("months_since_milestone")),
            pl.col("construction_months_overdue").alias(tr("construction_overdue")),
            pl.col("delivery_months_overdue").alias(tr("delivery_overdue")),
        ),
        f"escrow_permits_{project['project_id']}",
    )
    st.markdown(f"**{tr('evidence')}**")
    evidence = (
        q(
            "select a.level, a.rule_name_zh, a.rule_name_en, e.evidence_id, e.evidence_name, "
            f"e.measure_{suffix} as measure, e.measure_value, e.measure_unit "
            "from fct_alert_evidence e join fct_alerts a using (alert_id) "
            "where a.rule_family = 'presale_escrow' and a.entity_type = 'project' "
            "and a.entity_id = ? and a.period_start = ? "
            "order by a.severity desc, a.rule_id, e.evidence_type, e.evidence_id",
            [project["project_id"], month],
        )
        if mine.height
        else pl.DataFrame()
    )
    if evidence.height:
        st.dataframe(
            evidence.select(
                level_column("level", zh).alias(tr("level")),
                pl.col(f"rule_name_{suffix}").alias(tr("rule")),
                pl.col("evidence_id").alias(tr("evidence_id")),
                pl.col("evidence_name").alias(tr("evidence_name")),
                pl.col("measure").alias(tr("measure")),
                pl.col("measure_value").round(1).alias(tr("observed")),
                pl.col("measure_unit").alias(tr("unit")),
            ),
            hide_index=True, width="stretch",
        )  # fmt: skip
    else:
        st.caption(tr("no_escrow_alerts"))
    history = q(
        "select period_start, deposit_ratio_3m_pct, balance_vs_required_pct "
        "from fct_presale_escrow where escrow_level = 'project' and project_id = ? "
        "and period_start <= ? order by period_start",
        [project["project_id"], month],
    ).unpivot(
        ["deposit_ratio_3m_pct", "balance_vs_required_pct"],
        index="period_start", variable_name="measure", value_name="pct",
    ).with_columns(
        pl.col("measure").replace_strict(
            {"deposit_ratio_3m_pct": tr("deposit_ratio"),
             "balance_vs_required_pct": tr("balance_cover")}
        )
    )  # fmt: skip
    chart(
        charts.index_line(
            history, zh, value="pct", series="measure", title=tr("escrow_history"),
            y_title="%", reference=100.0,
        )
    )  # fmt: skip


def escrow_section(month) -> None:
    alerts = project_alerts(month)
    rows = project_rows(month, alerts)
    st.subheader(tr("escrow_projects"))
    if not rows.height:
        st.info(tr("no_escrow_rows", month=fmt.month_label(month, lang())))
        return
    by = st.selectbox(tr("sort_by"), SORTS, key="es_sort", format_func=lambda s: tr(f"sort_{s}"))
    language = lang()
    ranked = sorted_projects(rows, by)
    view = project_view(ranked)
    st.dataframe(styled(view, [tr("level")], language), hide_index=True, width="stretch")
    st.caption(tr("escrow_table_note"))
    ids = ranked["project_id"].to_list()
    wanted = st.query_params.get("project")
    names = dict(zip(ranked["project_id"], ranked["project_name"], strict=True))
    chosen = st.selectbox(
        tr("choose_project"), ids, index=ids.index(wanted) if wanted in ids else 0,
        key="es_project", format_func=lambda p: f"{p} {names.get(p) or ''}",
    )  # fmt: skip
    project_detail(ranked.filter(pl.col("project_id") == chosen).row(0, named=True), month, alerts)


def developer_section(quarter) -> None:
    zh = lang()
    st.subheader(tr("developers_by_tier"))
    if say_missing(DEVELOPER_SOURCES):
        return
    if quarter is None:
        st.info(tr("no_developer_rows"))
        return
    rows = q(
        "select d.*, (select max_by(a.level, a.severity) from fct_alerts a "
        "  where a.rule_family = 'developer_finance' and a.entity_type = 'developer' "
        "  and a.entity_id = d.developer_id "
        "  and a.period_start between d.period_start and d.period_quarter_end) as alert_level "
        "from fct_developer_risk d where d.period_start = ? "
        "order by case d.tier when 'red' then 1 when 'orange' then 2 when 'yellow' then 3 "
        "else 4 end, d.lines_breached desc nulls last, d.unsold_share_of_city_pct desc",
        [quarter],
    )
    st.caption(f"{tr('quarter')}: {str(quarter)[:4]}Q{(quarter.month - 1) // 3 + 1}")
    yes_no = {True: tr("breached"), False: tr("not_breached")}
    view = rows.select(
        tier_column(zh).alias(tr("tier")),
        pl.col("developer").alias(tr("developer")),
        pl.col("developer_id").alias(tr("developer_id")),
        pl.col("liability_ratio_ex_advance_pct").round(1).alias(tr("liability_ratio")),
        pl.col("breaches_liability_ratio").replace_strict(yes_no, default=None)
        .alias(tr("line_1")),
        pl.col("net_gearing_pct").round(1).alias(tr("net_gearing")),
        pl.col("breaches_net_gearing").replace_strict(yes_no, default=None).alias(tr("line_2")),
        pl.col("cash_to_short_debt_ratio").round(2).alias(tr("cash_short_debt")),
        pl.col("breaches_cash_short_debt").replace_strict(yes_no, default=None)
        .alias(tr("line_3")),
        pl.col("lines_breached").alias(tr("lines_breached")),
        pl.col("debt_growth_yoy_pct").round(1).alias(tr("debt_growth")),
        pl.col("debt_growth_cap_pct").round(1).alias(tr("debt_growth_cap")),
        (pl.col("overdue_commercial_paper_yuan") / 1e4).round(1).alias(tr("overdue_cp_wan")),
        pl.col("projects_with_escrow_alerts").alias(tr("projects_with_alerts")),
        pl.col("unsold_share_of_city_pct").round(1).alias(tr("unsold_share")),
        level_column("alert_level", zh).alias(tr("level")),
    )  # fmt: skip
    st.dataframe(
        styled(view, [tr("tier"), tr("level")], zh, {tr("cash_short_debt"): "{:.2f}"}),
        hide_index=True, width="stretch",
    )  # fmt: skip


def resale_section(month) -> None:
    language = lang()
    st.subheader(tr("resale_escrow"))
    if say_missing(RESALE_SOURCES):
        return
    rows = q(
        "select r.geo_level, r.geo_name, r.contracts, r.contracts_supervised, "
        "r.contracts_outside_escrow, r.outside_escrow_share_pct, "
        "r.outside_escrow_amount_share_pct, (select max_by(a.level, a.severity) from fct_alerts a "
        "  where a.rule_family = 'resale_escrow' and a.geo_code = r.geo_code "
        "  and a.period_start = r.period_start) as level "
        "from fct_resale_escrow r left join dim_geography g on g.district_code = r.geo_code "
        "where r.period_grain = 'month' and r.period_start = ? "
        "and r.geo_level in ('city', 'district') "
        "order by r.geo_level = 'district', g.sort_order",
        [month],
    )
    if not rows.height:
        st.info(tr("no_resale_rows", month=fmt.month_label(month, lang())))
        return
    view = rows.select(
        level_column("level", language).alias(tr("level")),
        pl.col("geo_name").alias(tr("geo_name")),
        pl.col("contracts").alias(tr("resale_contracts")),
        pl.col("contracts_supervised").alias(tr("contracts_supervised")),
        pl.col("contracts_outside_escrow").alias(tr("contracts_outside")),
        pl.col("outside_escrow_share_pct").round(1).alias(tr("outside_share")),
        pl.col("outside_escrow_amount_share_pct").round(1).alias(tr("outside_amount_share")),
    )  # fmt: skip
    st.dataframe(styled(view, [tr("level")], language), hide_index=True, width="stretch")


def render() -> None:
    st.title(tr("page_escrow"))
    if not require_warehouse():
        return
    month = month_picker()
    if month is None:
        st.info(tr("no_escrow_rows", month="—"))
        return
    escrow_missing = say_missing(ESCROW_SOURCES)
    if escrow_missing:
        st.caption(tr("escrow_partial"))
    alerts = project_alerts(month)
    quarter = developer_quarter(month)
    cards(month, alerts, quarter, escrow_missing)
    escrow_section(month)
    developer_section(quarter)
    resale_section(month)


render()
