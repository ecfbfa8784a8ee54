"""What a brief reads from the published warehouse (analytics.duckdb, read-only).

Every number in a brief is a column of a mart for the brief's period_grain and period_start:
this module selects, it does not compute metrics (STYLE.md: metrics live in marts), not even the
NBS-style 1–N月平均 index (fct_price_index_ytd) or which banks are near a concentration cap
(fct_bank_concentration.is_near_cap). Areas: the headline is 市区 (the plan's scope); tables list
the districts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from app.brief.periods import Period, add_months
from core.errors import UserError
from serving import warehouse

Row = dict[str, Any]
URBAN = "320600U"
CITY = "320600"
TREND_MONTHS = 24
# The sources the 预售资金监管与房企风险 section reads (ingest/contracts/<source>.yml): when one is
# missing in the period the section names it instead of an all-clear.
ESCROW_SOURCES = ("escrow_agreement", "escrow_statement", "construction", "developer_finance")
# fct_developer_risk's breach flag of each red line (policy_red_lines.line)
RED_LINE_FLAGS = {
    "liability_ratio": "breaches_liability_ratio",
    "net_gearing": "breaches_net_gearing",
    "cash_short_debt": "breaches_cash_short_debt",
}


def connect(home: Path) -> duckdb.DuckDBPyConnection:
    """The published database, read-only (serving.warehouse); a UserError before the first build."""
    try:
        return warehouse.connect(home)
    except warehouse.NotPublished as exc:
        raise UserError(str(exc)) from None


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> list[Row]:
    used = {k: v for k, v in (params or {}).items() if f"${k}" in sql}
    rel = con.sql(sql, params=used)
    names = rel.columns
    return [dict(zip(names, r, strict=True)) for r in rel.fetchall()]


def one(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> Row:
    found = rows(con, sql, params)
    return found[0] if found else {}


# ---------------------------------------------------------------- availability


def data_months(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """Complete months: every monthly source the bureau delivers (fct_data_quality) landed
    records. A source never delivered does not hold every month back; the brief says it is
    missing instead."""
    found = rows(
        con,
        "select period_start from fct_data_quality where is_expected_monthly and "
        "source_delivered group by period_start having bool_and(records_landed > 0) "
        "order by period_start",
    )
    return [r["period_start"] for r in found]


def held_months(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """Months in which any monthly source landed records: a brief can be written for these,
    saying which sources are missing (a credit return a month late must not stop the brief).
    Irregular sources do not count: construction milestones reached before the first delivered
    month (a project permitted earlier) are not a month of market data."""
    found = rows(
        con,
        "select period_start from fct_data_quality where is_expected_monthly "
        "group by period_start having sum(records_landed) > 0 order by period_start",
    )
    return [r["period_start"] for r in found]


def check_available(con: duckdb.DuckDBPyConnection, period: Period) -> None:
    """Refuse a period with a month the warehouse holds no data for at all."""
    have = set(held_months(con))
    missing = [m for m in period.month_starts() if m not in have]
    if not missing:
        return
    held = f"{min(have):%Y-%m}..{max(have):%Y-%m}" if have else "no month at all"
    first = missing[0]
    raise UserError(
        f"no data for {first:%Y-%m} (brief {period.key}): the warehouse holds {held}; "
        "load that month's files and run housewatch build"
    )


def latest_complete_month(con: duckdb.DuckDBPyConnection, today: dt.date) -> dt.date | None:
    """The last month before the current one with data from every monthly source."""
    this_month = dt.date(today.year, today.month, 1)
    months = [m for m in data_months(con) if m < this_month]
    return months[-1] if months else None


# ---------------------------------------------------------------- the brief's data


@dataclass
class BriefData:
    period: Period
    new_home: Row = field(default_factory=dict)
    new_home_city: Row = field(default_factory=dict)
    new_home_districts: list[Row] = field(default_factory=list)
    new_home_bands: list[Row] = field(default_factory=list)
    top_projects: list[Row] = field(default_factory=list)
    indices: dict[str, Row] = field(default_factory=dict)
    supply: Row = field(default_factory=dict)
    supply_districts: list[Row] = field(default_factory=list)
    resale: Row = field(default_factory=dict)
    resale_prev: Row = field(default_factory=dict)
    resale_districts: list[Row] = field(default_factory=list)
    rental: Row = field(default_factory=dict)
    rental_districts: list[Row] = field(default_factory=list)
    yields: list[Row] = field(default_factory=list)
    land: Row = field(default_factory=dict)
    land_parcels: list[Row] = field(default_factory=list)
    credit: Row = field(default_factory=dict)
    banks: list[Row] = field(default_factory=list)
    near_cap: float | None = None  # 接近上限: % of a cap (fct_bank_concentration)
    control: list[Row] = field(default_factory=list)
    alerts: list[Row] = field(default_factory=list)
    alert_counts: dict[str, int] = field(default_factory=dict)
    levels: list[Row] = field(default_factory=list)
    revisions: list[Row] = field(default_factory=list)
    evaluation: list[Row] = field(default_factory=list)
    evaluation_items: list[Row] = field(default_factory=list)
    assessment: list[Row] = field(default_factory=list)
    assessment_items: list[Row] = field(default_factory=list)
    trend: dict[str, list[Row]] = field(default_factory=dict)
    gaps: list[Row] = field(default_factory=list)  # sources missing in the period
    escrow_gaps: list[Row] = field(default_factory=list)  # the escrow section's missing sources
    escrow_counts: Row = field(default_factory=dict)  # permits and projects under supervision
    escrow_alerts: list[Row] = field(default_factory=list)  # presale_escrow alerts of the period
    developer_quarter: dt.date | None = None  # latest quarter of fct_developer_risk
    developers: list[Row] = field(default_factory=list)  # 橙档/红档 at that quarter
    resale_escrow: list[Row] = field(default_factory=list)  # districts alerting, with their deals
    delivery_risk: list[Row] = field(default_factory=list)  # 保交楼风险项目 (quarter)
    data_warnings: list[Row] = field(default_factory=list)  # content checks that found rows


def _p(period: Period, **extra: Any) -> dict[str, Any]:
    return {"grain": period.grain, "start": period.start, **extra}


def _sales(con: duckdb.DuckDBPyConnection, table: str, period: Period, extra: str = "") -> Row:
    return one(
        con,
        f"select * from {table} where period_grain = $grain and period_start = $start "
        f"and geo_code = $geo and band_type = 'all' {extra}",
        _p(period, geo=URBAN),
    )


def _districts(
    con: duckdb.DuckDBPyConnection, table: str, period: Period, cond: str = ""
) -> list[Row]:
    """The period's district rows of a mart, in the gazetteer's display order."""
    return rows(
        con,
        f"select t.* from {table} t left join dim_geography g on g.district_code = t.geo_code "
        f"where t.geo_level = 'district' and t.period_grain = $grain and t.period_start = $start "
        f"{cond} order by g.sort_order nulls last, t.geo_code",
        _p(period),
    )


def _index(con: duckdb.DuckDBPyConnection, period: Period, market: str) -> Row:
    """Headline index of 市区 for the period, with its 1–N月平均 (上年同期=100) from
    fct_price_index_ytd (ytd_index, ytd_months)."""
    return one(
        con,
        "select i.*, y.ytd_index, y.ytd_months from fct_price_indices i "
        "left join fct_price_index_ytd y using (market, method, band, geo_code, period_grain, "
        "period_start) where i.is_headline and i.market = $market and i.geo_code = $geo "
        "and i.band = 'all' and i.period_grain = $grain and i.period_start = $start",
        _p(period, market=market, geo=URBAN),
    )


def _alerts(con: duckdb.DuckDBPyConnection, period: Period) -> list[Row]:
    """Alerts of the period's months (and yearly alerts of its year), most severe first, each
    with up to three evidence items: for a quarter or year, the latest alert per rule × entity,
    with how many months it was raised."""
    alerts = rows(
        con,
        "with a as (select *, count(*) over (partition by rule_id, geo_code, entity_id) "
        "as months_in_period, row_number() over (partition by rule_id, geo_code, entity_id "
        "order by period_start desc, severity desc) as latest from fct_alerts "
        "where (period_grain = 'month' and period_start >= $start and period_start < $end) "
        "or (period_grain = 'year' and period_start = $year)) "
        "select a.*, l.level_zh, l.zone_zh, l.sort_order as level_order from a "
        "left join reference.alert_levels l using (level) where latest = 1 "
        "order by a.severity desc, l.sort_order, a.rule_id, a.geo_code, a.entity_id",
        {"start": period.start, "end": period.end, "year": dt.date(period.start.year, 1, 1)},
    )
    if not alerts:
        return alerts
    ids = [a["alert_id"] for a in alerts]
    evidence = rows(
        con,
        "select alert_id, evidence_type, evidence_id, evidence_name, measure_value, measure_zh, "
        "measure_unit, event_date, count(*) over (partition by alert_id) as n_items, "
        "row_number() over (partition by alert_id order by evidence_type = 'area' "
        "or evidence_type = 'institution', event_date nulls last, evidence_id) as k "
        "from fct_alert_evidence where alert_id in (select unnest($ids)) qualify k <= 3",
        {"ids": ids},
    )
    by_alert: dict[str, list[Row]] = {}
    for e in evidence:
        by_alert.setdefault(e["alert_id"], []).append(e)
    for a in alerts:
        a["evidence"] = by_alert.get(a["alert_id"], [])
        a["evidence_total"] = a["evidence"][0]["n_items"] if a["evidence"] else 0
    return alerts


def _family_alerts(
    con: duckdb.DuckDBPyConnection, period: Period, families: tuple[str, ...]
) -> list[Row]:
    """Monthly alerts of some rule families in the period: the latest per rule × entity, with
    how many months it was raised, its worst level in the period (worst_level) and the rule's
    indicator name,
    unit and decimals (alert_rules) to print the observed value as the alert judged it."""
    return rows(
        con,
        "with a as (select *, count(*) over w as months_in_period, max(severity) over w "
        "as worst_severity, arg_max(level, severity) over w as worst_level, "
        "row_number() over (partition by rule_id, geo_code, entity_id "
        "order by period_start desc, severity desc) as latest from fct_alerts "
        "where rule_family in (select unnest($families)) and period_grain = 'month' "
        "and period_start >= $start and period_start < $end "
        "window w as (partition by rule_id, geo_code, entity_id)) "
        "select a.*, l.level_zh, l.sort_order as level_order, wl.level_zh as worst_level_zh, "
        "r.indicator_zh, r.unit_zh, r.display_decimals from a "
        "left join reference.alert_levels l on l.level = a.level "
        "left join reference.alert_levels wl on wl.level = a.worst_level "
        "left join reference.alert_rules r on r.rule_id = a.rule_id and r.valid_from <= "
        "a.period_start and (r.valid_to is null or a.period_start <= r.valid_to) "
        "where latest = 1 order by a.severity desc, l.sort_order, a.entity_id, a.rule_id",
        {"families": list(families), "start": period.start, "end": period.end},
    )


def _developers(con: duckdb.DuckDBPyConnection, period: Period) -> tuple[dt.date | None, list[Row]]:
    """Developers in 橙档/红档 at the latest quarter reported by the period's end (its return is
    for a quarter that ended before), each with the red lines it breaches (policy_red_lines)."""
    quarter = one(
        con,
        "select max(period_start) as q from fct_developer_risk where period_quarter_end < $end",
        {"end": period.end},
    ).get("q")
    if quarter is None:
        return None, []
    found = rows(
        con,
        "select * from fct_developer_risk where period_start = $q and tier in ('orange', 'red') "
        "order by tier = 'red' desc, lines_breached desc nulls last, developer_id",
        {"q": quarter},
    )
    lines = rows(
        con,
        "select line, line_zh from reference.policy_red_lines where valid_from <= $q "
        "and (valid_to is null or $q <= valid_to) and line in (select unnest($lines))",
        {"q": quarter, "lines": list(RED_LINE_FLAGS)},
    )
    for r in found:
        lines.sort(key=lambda ln: list(RED_LINE_FLAGS).index(ln["line"]))
        names = [ln["line_zh"] for ln in lines if r.get(RED_LINE_FLAGS[ln["line"]])]
        r["lines_zh"] = "、".join(names)
    return quarter, found


def _resale_escrow(con: duckdb.DuckDBPyConnection, period: Period) -> list[Row]:
    """Districts whose resale deals outside escrow alerted in the period (the latest alert per
    district), with that month's deals from fct_resale_escrow."""
    alerts = _family_alerts(con, period, ("resale_escrow",))
    for a in alerts:
        a.update(
            one(
                con,
                "select contracts, contracts_outside_escrow, outside_escrow_share_pct, "
                "amount_outside_escrow_yuan from fct_resale_escrow where period_grain = 'month' "
                "and period_start = $m and geo_code = $geo",
                {"m": a["period_start"], "geo": a["geo_code"]},
            )
        )
    return alerts


def _delivery_risk(con: duckdb.DuckDBPyConnection, period: Period) -> list[Row]:
    """保交楼风险项目清单: every project with a presale-fund or construction alert
    (rule_family presale_escrow: construction_stalled, delivery_overdue and the escrow rules) in
    the period, its worst level, with its latest project row of fct_presale_escrow in the period
    (months since a milestone, overdue months) and the nodes its permits have reached."""
    return rows(
        con,
        "with a as (select entity_id as project_id, max(severity) as worst_severity, "
        "arg_max(level, severity) as worst_level, count(distinct period_start) as alert_months, "
        "list(distinct rule_id order by rule_id) as rule_ids, "
        "string_agg(distinct rule_name_zh, '、' order by rule_name_zh) as rules_zh, "
        "any_value(geo_name) as geo_name, any_value(entity_name) as entity_name "
        "from fct_alerts where rule_family = 'presale_escrow' and entity_type = 'project' "
        "and period_grain = 'month' and period_start >= $start and period_start < $end "
        "group by entity_id), "
        "p as (select * from fct_presale_escrow where escrow_level = 'project' "
        "and period_start >= $start and period_start < $end qualify row_number() over "
        "(partition by entity_id order by period_start desc) = 1), "
        "n as (select e.project_id, string_agg(e.release_node_zh, '、' order by e.node_order) "
        "as nodes_zh from (select distinct f.project_id, f.release_node_zh, k.node_order "
        "from fct_presale_escrow f join p on p.entity_id = f.project_id and p.period_start = "
        "f.period_start left join reference.policy_escrow_nodes k on k.node = f.release_node "
        "where f.escrow_level = 'permit' and f.release_node_zh is not null) e "
        "group by e.project_id) "
        "select a.*, l.level_zh, coalesce(p.project_name, a.entity_name) as project_name, "
        "coalesce(p.district_name, a.geo_name) as district_name, p.developer, "
        "p.period_start as status_month, p.months_since_milestone, "
        "p.construction_months_overdue, p.delivery_months_overdue, p.is_selling, "
        "p.is_completed, n.nodes_zh from a left join p on p.entity_id = a.project_id "
        "left join n on n.project_id = a.project_id "
        "left join reference.alert_levels l on l.level = a.worst_level "
        "order by a.worst_severity desc, greatest(coalesce(p.delivery_months_overdue, 0), "
        "coalesce(p.construction_months_overdue, 0)) desc, a.project_id",
        {"start": period.start, "end": period.end},
    )


def _trend(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, list[Row]]:
    first = add_months(period.last_month, -(TREND_MONTHS - 1))
    params = {"first": first, "last": period.last_month, "geo": URBAN}
    window = "period_grain = 'month' and period_start between $first and $last"
    return {
        "new_home": rows(
            con,
            f"select period_start, units, area_sqm, avg_price_yuan_per_sqm from fct_new_home_sales "
            f"where {window} and geo_code = $geo and band_type = 'all' order by period_start",
            params,
        ),
        "indices": rows(
            con,
            "select market, period_start, mom_index, yoy_index, index_value "
            f"from fct_price_indices where is_headline and {window} and geo_code = $geo "
            "and band = 'all' order by market, period_start",
            params,
        ),
        "supply": rows(
            con,
            "select period_start, permitted_residential_area_sqm, sold_area_sqm, "
            "saleable_stock_area_sqm, months_of_supply_12m_months from fct_housing_supply "
            f"where {window} and geo_code = $geo order by period_start",
            params,
        ),
    }


def load_brief(con: duckdb.DuckDBPyConnection, period: Period) -> BriefData:
    """Everything the brief shows for `period` (checked available first)."""
    check_available(con, period)
    d = BriefData(period=period)
    p = _p(period)
    d.new_home = _sales(con, "fct_new_home_sales", period)
    d.new_home_city = one(
        con,
        "select * from fct_new_home_sales where period_grain = $grain and period_start = $start"
        " and geo_code = $geo and band_type = 'all'",
        _p(period, geo=CITY),
    )
    d.new_home_districts = _districts(con, "fct_new_home_sales", period, "and t.band_type = 'all'")
    d.new_home_bands = rows(
        con,
        "select s.*, b.band_label_zh from fct_new_home_sales s join reference.policy_size_bands b "
        "on b.band_code = s.band where s.period_grain = $grain and s.period_start = $start "
        "and s.geo_code = $geo and s.band_type = 'size' order by b.sort_order",
        _p(period, geo=URBAN),
    )
    d.top_projects = rows(
        con,
        "select * from fct_new_home_projects where period_grain = $grain and "
        "period_start = $start and city_rank_by_area <= 5 order by city_rank_by_area",
        p,
    )
    d.indices = {m: _index(con, period, m) for m in ("new_home", "resale", "rent")}
    d.supply = one(
        con,
        "select * from fct_housing_supply where period_grain = $grain and period_start = $start"
        " and geo_code = $geo",
        _p(period, geo=URBAN),
    )
    d.supply_districts = _districts(con, "fct_housing_supply", period)
    d.resale = _sales(con, "fct_resale_sales", period)
    d.resale_prev = _sales(con, "fct_resale_sales", period.previous)
    d.resale_districts = _districts(con, "fct_resale_sales", period, "and t.band_type = 'all'")
    d.rental = one(
        con,
        "select * from fct_rental_registrations where period_grain = $grain and "
        "period_start = $start and geo_code = $geo",
        _p(period, geo=URBAN),
    )
    d.rental_districts = _districts(con, "fct_rental_registrations", period)
    d.yields = rows(
        con,
        "select t.* from fct_rental_yields t left join dim_geography g on g.district_code = "
        "t.geo_code where t.period_grain = 'year' and t.geo_level in ('urban', 'district') "
        "and t.period_start = (select max(period_start) from fct_rental_yields where "
        "period_grain = 'year' and period_start <= $start) "
        "order by t.geo_level = 'district', g.sort_order nulls last",
        {"start": dt.date(period.start.year - (period.grain != "year"), 1, 1)},
    )
    d.land = one(
        con,
        "select * from fct_land_market where period_grain = $grain and period_start = $start "
        "and geo_code = $geo and use_group = 'residential'",
        _p(period, geo=CITY),
    )
    d.land_parcels = rows(
        con,
        "select * from fct_land_parcels where is_residential_use and deal_month >= $start "
        "and deal_month < $end order by deal_date, parcel_id",
        {"start": period.start, "end": period.end},
    )
    d.credit = one(
        con,
        "select * from fct_credit_market where period_grain = $grain and period_start = $start",
        p,
    )
    d.banks = rows(
        con,
        "select * from fct_bank_concentration where period_start = $last and "
        "(is_above_cap or is_near_cap) order by cap_used_max_pct desc",
        {"last": period.last_month},
    )
    d.near_cap = one(
        con,
        "select max(near_cap_used_pct) as near_cap_used_pct from fct_bank_concentration"
        " where period_start = $last",
        {"last": period.last_month},
    ).get("near_cap_used_pct")
    d.control = rows(
        con,
        "select t.district_code, t.district_name, t.market, t.target_min_pct, t.target_max_pct,"
        " i.yoy_index_3m - 100 as yoy_3m_pct, i.yoy_index - 100 as yoy_pct from "
        "dim_control_targets t left join fct_price_indices i on i.is_headline and i.band = 'all'"
        " and i.period_grain = 'month' and i.period_start = $last and i.geo_code = "
        "t.district_code and i.market = case t.market when '新建商品住宅' then 'new_home' "
        "else 'resale' end left join dim_geography g on g.district_code = t.district_code "
        "where t.target_year = $year order by t.market desc, g.sort_order nulls last",
        {"last": period.last_month, "year": period.start.year},
    )
    d.gaps = rows(
        con,
        "select data_source, any_value(data_source_name_zh) as name_zh, "
        "arg_max(gap_message_zh, period_start) as gap_message_zh, count(*) as months "
        "from fct_data_quality where period_start >= $start and period_start < $end and "
        "gap_message_zh is not null group by data_source order by data_source",
        {"start": period.start, "end": period.end},
    )
    d.data_warnings = rows(
        con,
        "select * from fct_data_tests where status = 'warn' order by model_name, column_name",
    )
    d.escrow_gaps = [g for g in d.gaps if g["data_source"] in ESCROW_SOURCES]
    d.escrow_counts = one(
        con,
        "select count(*) filter (where escrow_level = 'permit') as permits, "
        "count(*) filter (where escrow_level = 'project') as projects from fct_presale_escrow "
        "where period_start = $last",
        {"last": period.last_month},
    )
    d.escrow_alerts = _family_alerts(con, period, ("presale_escrow",))
    d.developer_quarter, d.developers = _developers(con, period)
    d.resale_escrow = _resale_escrow(con, period)
    d.alerts = _alerts(con, period)
    d.levels = rows(con, "select * from reference.alert_levels order by sort_order")
    d.alert_counts = {lv["level"]: 0 for lv in d.levels}
    for a in d.alerts:
        d.alert_counts[a["level"]] = d.alert_counts.get(a["level"], 0) + 1
    d.revisions = rows(
        con,
        "select * from fct_price_index_revisions where is_headline and band = 'all' "
        "and geo_code in ($geo, $city) and period_start in ($last, $prev) "
        "order by market, geo_code desc, period_start",
        {"geo": URBAN, "city": CITY, "last": period.last_month,
         "prev": add_months(period.last_month, -1)},
    )  # fmt: skip
    if period.grain == "quarter":
        d.evaluation = rows(
            con,
            "select * from fct_district_evaluation where period_quarter = $start "
            "order by district_rank, district_code",
            p,
        )
        d.evaluation_items = rows(
            con,
            "select * from fct_district_evaluation_items where period_quarter = $start "
            "order by district_code, sort_order",
            p,
        )
        d.delivery_risk = _delivery_risk(con, period)
    if period.grain == "year":
        d.assessment = rows(
            con,
            "select a.* from fct_district_assessment a left join dim_geography g on "
            "g.district_code = a.geo_code where assessment_year = $year "
            "order by a.geo_level = 'urban', g.sort_order nulls last",
            {"year": period.start.year},
        )
        d.assessment_items = rows(
            con,
            "select * from fct_district_assessment_items where assessment_year = $year "
            "order by geo_level = 'urban', geo_code, sort_order",
            {"year": period.start.year},
        )
    d.trend = _trend(con, period)
    return d
