"""Quarterly evaluation and annual assessment on a small two-year sample (2020-2021, scale 0.2):
a district-quarter recomputed in polars from the marts' inputs, the planted price surge (海门
320614, 2021) failing its control target and scoring worst, the planted land parcels as
evidence, missing indicators kept visible, and a weight change in the seed moving the total."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

import pipeline.build as pipeline_build
from core.settings import Paths, paths
from pipeline.load import load

SEEDS = pipeline_build.PROJECT_DIR / "seeds"
SURGE_DISTRICT = "320614"  # 海门区
CALM_DISTRICT = "320623"  # 如东县: no event planted there


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Paths]:
    from synthetic import generate

    root = tmp_path_factory.mktemp("evaluation")
    generate(root / "sample", start="2020-01", end="2021-12", scale=0.2)
    home = paths(root / "home")
    load([root / "sample" / "raw"], home)
    pipeline_build.build(home)
    return root / "sample", home


def _query(home: Paths, sql: str) -> pl.DataFrame:
    con = duckdb.connect(str(home.analytics_db), read_only=True)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


def _event(sample: Path, kind: str) -> dict[str, str]:
    with (sample / "truth" / "events.csv").open(encoding="utf-8") as handle:
        return next(e for e in csv.DictReader(handle) if e["kind"] == kind)


# ---------- an independent recomputation of one district-quarter


def _observed(
    home: Paths, district: str, quarter: dt.date
) -> dict[str, tuple[float | None, float | None, float | None]]:
    """Each indicator's value (and control band) read straight from the source marts."""
    year = quarter.year
    months = [dt.date(year, quarter.month + i, 1) for i in range(3)]

    def one(sql: str) -> float | None:
        frame = _query(home, sql)
        return None if frame.is_empty() else frame.item(0, 0)

    def index(market: str, column: str) -> float | None:
        value = one(
            f"select {column} from fct_price_indices where market = '{market}' and is_headline"
            f" and band = 'all' and geo_code = '{district}' and period_grain = 'quarter'"
            f" and period_start = '{quarter}'"
        )
        return None if value is None else value - 100

    def band(market: str) -> tuple[float | None, float | None]:
        frame = _query(
            home,
            f"select target_min_pct, target_max_pct from dim_control_targets where district_code"
            f" = '{district}' and target_year = {year} and market = '{market}'",
        )
        return (None, None) if frame.is_empty() else frame.row(0)

    where = f"period_grain = 'quarter' and geo_code = '{district}' and period_start = '{quarter}'"
    alerts = one(
        f"select count(*) from fct_alerts where district_code = '{district}'"
        f" and level in ('red', 'orange')"
        f" and period_start in ({', '.join(repr(str(m)) for m in months)})"
    )
    return {
        "new_home_yoy_vs_control": (index("new_home", "yoy_index"), *band("新建商品住宅")),
        "new_home_qoq_momentum": (index("new_home", "mom_index"), None, None),
        "months_of_supply": (
            one(f"select months_of_supply_12m_months from fct_housing_supply where {where}"),
            None,
            None,
        ),
        "new_home_volume_yoy": (
            one(
                f"select units_yoy_pct from fct_new_home_sales where {where} and band_type = 'all'"
            ),
            None,
            None,
        ),
        "resale_yoy_vs_control": (index("resale", "yoy_index"), *band("二手住宅")),
        "land_premium_rate": (
            one(
                f"select premium_rate_pct from fct_land_market where {where}"
                " and use_group = 'residential'"
            ),
            None,
            None,
        ),
        "red_orange_alerts": (float(alerts), None, None),
    }


def _score(
    value: float | None, bands: list[dict], low: float | None, high: float | None
) -> int | None:
    """The band whose [lower, upper) holds the value; % bases scale the district's control band."""
    if value is None:
        return None

    def limit(raw: str, basis: str) -> float | None:
        if not raw:
            return None
        base = {"absolute": 100.0, "pct_of_target_min": low, "pct_of_target_max": high}[basis]
        return None if base is None else float(raw) * base / 100

    hits = []
    for row in bands:
        lower, upper = (
            limit(row["lower_limit"], row["lower_basis"]),
            limit(row["upper_limit"], row["upper_basis"]),
        )
        if (row["lower_limit"] and lower is None) or (row["upper_limit"] and upper is None):
            continue  # the band needs a control target the district lacks
        if (lower is None or value >= lower) and (upper is None or value < upper):
            hits.append(int(row["score"]))
    assert len(hits) <= 1, f"{value} falls in several bands"
    return hits[0] if hits else None


def _recompute(
    home: Paths, seeds: Path, district: str, quarter: dt.date
) -> tuple[dict[str, int | None], float]:
    weights = {
        r["indicator_code"]: float(r["weight"])
        for r in csv.DictReader((seeds / "evaluation_indicators.csv").open(encoding="utf-8"))
    }
    bands = list(csv.DictReader((seeds / "evaluation_score_bands.csv").open(encoding="utf-8")))
    scores = {
        code: _score(value, [b for b in bands if b["indicator_code"] == code], low, high)
        for code, (value, low, high) in _observed(home, district, quarter).items()
    }
    scored = {code: s for code, s in scores.items() if s is not None}
    total = sum(weights[c] * s for c, s in scored.items()) / sum(weights[c] for c in scored)
    return scores, total


@pytest.mark.parametrize(
    ("district", "quarter"),
    [
        (CALM_DISTRICT, dt.date(2021, 7, 1)),
        (SURGE_DISTRICT, dt.date(2021, 4, 1)),
        (CALM_DISTRICT, dt.date(2020, 4, 1)),
    ],
)
def test_district_quarter_recomputed_from_the_marts_inputs(built, district, quarter):
    _, home = built
    scores, total = _recompute(home, SEEDS, district, quarter)
    items = _query(
        home,
        "select indicator_code, score from fct_district_evaluation_items"
        f" where district_code = '{district}' and period_quarter = '{quarter}'",
    )
    assert dict(items.rows()) == scores
    evaluation = _query(
        home,
        "select total_score, items_scored from fct_district_evaluation"
        f" where district_code = '{district}' and period_quarter = '{quarter}'",
    )
    assert evaluation["total_score"][0] == pytest.approx(total, abs=1e-4)
    assert evaluation["items_scored"][0] == sum(s is not None for s in scores.values())


def test_first_year_yoy_is_missing_and_visible_not_scored(built):
    _, home = built
    rows = _query(
        home,
        "select district_code, is_missing, missing_reason, score, weighted_score, explanation_zh"
        " from fct_district_evaluation_items"
        " where period_year = 2020 and indicator_code = 'new_home_yoy_vs_control'",
    )
    assert rows.height == 40  # 10 districts × 4 quarters, none dropped
    assert rows["missing_reason"].unique().to_list() == ["no_data"]
    assert (
        rows["score"].null_count() == rows.height
        and rows["weighted_score"].null_count() == rows.height
    )
    assert "不计分" in rows["explanation_zh"][0]
    totals = _query(
        home, "select weight_scored from fct_district_evaluation where period_year = 2020"
    )
    assert totals["weight_scored"].max() <= 1 - 0.25 - 0.15 + 1e-9  # both 同比 items out in 2020


@pytest.mark.parametrize("quarter", [dt.date(2021, 4, 1), dt.date(2021, 7, 1)])
def test_price_surge_scores_worst_on_the_control_target_in_q2_q3(built, quarter):
    sample, home = built
    assert _event(sample, "price_surge")["district_code"] == SURGE_DISTRICT
    items = _query(
        home,
        "select district_code, observed_value, score, explanation_zh"
        " from fct_district_evaluation_items"
        f" where indicator_code = 'new_home_yoy_vs_control' and period_quarter = '{quarter}'"
        " order by observed_value desc",
    )
    surge = items.filter(pl.col("district_code") == SURGE_DISTRICT).row(0, named=True)
    assert surge["score"] == 1 and items["score"].min() == 1
    assert items["district_code"][0] == SURGE_DISTRICT  # the highest 同比 of all districts
    assert "突破调控目标上限" in surge["explanation_zh"]
    rank = _query(
        home,
        "select district_rank from fct_district_evaluation"
        f" where period_quarter = '{quarter}' and district_code = '{SURGE_DISTRICT}'",
    )
    assert rank.item() >= 8  # among the three least healthy districts of ten


def test_price_surge_fails_the_2021_new_home_control_item(built):
    _, home = built
    item = _query(
        home,
        "select passed, observed_value, target_upper, evidence_zh"
        f" from fct_district_assessment_items where assessment_year = 2021"
        f" and geo_code = '{SURGE_DISTRICT}' and item_code = 'new_home_index_control'",
    ).row(0, named=True)
    assert item["passed"] is False
    assert item["observed_value"] > item["target_upper"]
    assert item["evidence_zh"].startswith("海门区 2021年12月 新建商品住宅价格指数同比")
    assert item["evidence_zh"].endswith("高于上限，未通过")
    overall = _query(
        home,
        "select overall_passed, failed_items from fct_district_assessment"
        f" where assessment_year = 2021 and geo_code = '{SURGE_DISTRICT}'",
    ).row(0)
    assert overall[0] is False and "new_home_index_control" in overall[1]


@pytest.mark.parametrize("kind", ["land_premium_cap", "land_lottery"])
def test_planted_parcels_at_the_cap_are_evidence_of_a_compliant_year(built, kind):
    sample, home = built
    event = _event(sample, kind)
    item = _query(
        home,
        "select passed, evidence_keys, evidence_key_count, evidence_zh"
        " from fct_district_assessment_items where assessment_year = 2021"
        f" and geo_code = '{event['district_code']}' and item_code = 'land_price_cap'",
    ).row(0, named=True)
    assert item["passed"] is True  # at the cap, not above it
    assert event["entity_ids"] in item["evidence_keys"].split(";")
    assert item["evidence_key_count"] >= 1
    label = "限价摇号" if kind == "land_lottery" else "触及上限"
    assert f"{event['entity_ids']} " in item["evidence_zh"] and label in item["evidence_zh"]


def test_no_premium_cap_before_2021_means_not_assessable(built):
    _, home = built
    rows = _query(
        home,
        "select passed, not_assessable_reason_zh from fct_district_assessment_items"
        " where assessment_year = 2020 and item_code = 'land_price_cap'",
    )
    assert rows.height == 10 and rows["passed"].null_count() == 10
    assert rows["not_assessable_reason_zh"].str.contains("无溢价率上限").all()


def test_plan_table1_rows_are_for_urban_area_and_judge_cumulative_progress(built):
    _, home = built
    rows = _query(
        home,
        "select geo_code, item_code, observed_value, target_lower, passed"
        " from fct_district_assessment_items"
        " where item_family = 'plan_table1' and assessment_year = 2021",
    )
    assert set(rows["geo_code"]) == {"320600U"}
    area = rows.filter(pl.col("item_code") == "plan_new_commodity_housing_area").row(0, named=True)
    sold = _query(
        home,
        "select area_sqm / 10000 from fct_new_home_sales"
        " where period_grain = 'year' and geo_level = 'urban' and band_type = 'all'"
        " and period_start = '2021-01-01'",
    ).item()
    assert area["observed_value"] == pytest.approx(sold)
    assert area["target_lower"] == pytest.approx(3375 * 0.2)  # one fifth of the plan period elapsed
    assert area["passed"] is (sold >= 675)
    unmeasured = rows.filter(pl.col("item_code") == "plan_resettlement_units")
    assert unmeasured["passed"].to_list() == [None]


def test_changing_a_weight_in_the_seed_changes_the_total(built, tmp_path, monkeypatch):
    _, home = built
    project = tmp_path / "dbt_project"
    shutil.copytree(pipeline_build.PROJECT_DIR, project, ignore=shutil.ignore_patterns("target"))
    path = project / "seeds" / "evaluation_indicators.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    new = {
        "new_home_yoy_vs_control": "0.45", "new_home_qoq_momentum": "0.15",
        "months_of_supply": "0.15", "new_home_volume_yoy": "0.05",
        "resale_yoy_vs_control": "0.10", "land_premium_rate": "0.05", "red_orange_alerts": "0.05",
    }  # fmt: skip
    for row in rows:
        row["weight"] = new[row["indicator_code"]]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    other = paths(tmp_path / "home")
    shutil.copytree(
        home.home,
        other.home,
        ignore=shutil.ignore_patterns("analytics*.duckdb", "build*.duckdb", "dbt"),
    )
    monkeypatch.setattr(pipeline_build, "PROJECT_DIR", project)
    pipeline_build.build(other)

    quarter, where = (
        dt.date(2021, 4, 1),
        f"district_code = '{SURGE_DISTRICT}' and period_quarter = '2021-04-01'",
    )
    before = _query(home, f"select total_score from fct_district_evaluation where {where}").item()
    after = _query(other, f"select total_score from fct_district_evaluation where {where}").item()
    assert before == pytest.approx(_recompute(home, SEEDS, SURGE_DISTRICT, quarter)[1], abs=1e-4)
    assert after == pytest.approx(
        _recompute(other, project / "seeds", SURGE_DISTRICT, quarter)[1], abs=1e-4
    )
    assert after < before - 0.05  # more weight on the broken control target pulls 海门 down
