"""Every alert rule at its boundaries, judged by the real fct_alerts SQL in one dbt build.

Cases are generated from the shipped seeds (rule_cases.py): each threshold row just below, at and
just above its effective threshold, persistence runs, minimum samples, validity dates and a
一城一策 override row per district-level rule in one district. Their expectations come from a
simple Python reimplementation (rule_reference.py), itself pinned by the hand-written cases with
literal expectations below.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

import pytest

import pipeline.build as pipeline_build
from tests.alerts.rule_cases import (
    Case,
    CaseBook,
    Place,
    boundary_cases,
    indicator_kinds,
    persistence_cases,
    place_for,
    sample_cases,
    scenario_districts,
    validity_cases,
    with_overrides,
)
from tests.alerts.rule_harness import RuleHarness
from tests.alerts.rule_reference import Alert, Seeds, reference_alerts

SHIPPED = Seeds.load(pipeline_build.PROJECT_DIR / "seeds")
OVERRIDE, PLAIN = scenario_districts(SHIPPED)
SEEDS, OVERRIDE_ROWS = with_overrides(SHIPPED, OVERRIDE)
BOOK = CaseBook(SEEDS, indicator_kinds())
GENERATED = [
    *boundary_cases(BOOK, OVERRIDE, PLAIN),
    *persistence_cases(BOOK, PLAIN),
    *sample_cases(BOOK, PLAIN),
    *validity_cases(BOOK, PLAIN),
]

# Hand-written cases: literal values, literal expectations (all rules are in force by then).
MONTH = dt.date(2022, 6, 1)


def _literal(rule_id: str, values: list[float], place: Place = PLAIN, **kwargs: float) -> str:
    rule = SEEDS.rule(rule_id)
    label = f"literal {rule_id} {values} {kwargs}"
    return BOOK.add(label, rule, values, MONTH, place_for(rule, place), **kwargs).case_id


MOS_36 = _literal("months_of_supply_high", [36])
MOS_35_99 = _literal("months_of_supply_high", [35.99])
MOS_18 = _literal("months_of_supply_high", [18])
MOS_17_99 = _literal("months_of_supply_high", [17.99])
MOS_40 = _literal("months_of_supply_high", [40])
MOS_5_99 = _literal("months_of_supply_low", [5.99])
MOS_6 = _literal("months_of_supply_low", [6])
BANK_95 = _literal("bank_re_loan_concentration", [26.125], upper=27.5)
BANK_26_12 = _literal("bank_re_loan_concentration", [26.12], upper=27.5)
BANK_CAP = _literal("bank_re_loan_concentration", [27.5], upper=27.5)
BANK_ABOVE = _literal("bank_re_loan_concentration", [27.51], upper=27.5)
TARGET_4 = _literal("price_control_target_high", [4.0], upper=5.0, lower=-5.0)
TARGET_3_99 = _literal("price_control_target_high", [3.99], upper=5.0, lower=-5.0)
TARGET_BELOW_MIN = _literal("price_control_target_low", [-5.01], upper=5.0, lower=-5.0)
MOM_101 = _literal("price_momentum_single", [101.0])
MOM_101_01 = _literal("price_momentum_single", [101.01])
FILED_85 = _literal("filed_price_discount", [85])
FILED_84_99 = _literal("filed_price_discount", [84.99])
SUSTAINED_3 = _literal("price_momentum_sustained", [100.6, 100.6, 100.6])
SUSTAINED_4 = _literal("price_momentum_sustained", [100.6, 100.6, 100.6, 100.6])
SUSTAINED_BROKEN = _literal("price_momentum_sustained", [100.6, 100.6, 100.5, 100.6, 100.6])
MOS_SAMPLE_11 = _literal("months_of_supply_high", [40], sample=11)
MOS_SAMPLE_12 = _literal("months_of_supply_high", [40], sample=12)
MOS_OVERRIDE_36 = _literal("months_of_supply_high", [36], place=OVERRIDE)
MOS_OVERRIDE_39_6 = _literal("months_of_supply_high", [39.6], place=OVERRIDE)
MOS_BEFORE_RULE = BOOK.add(
    "literal months_of_supply_high 40 in 2017-03",
    SEEDS.rule("months_of_supply_high"),
    [40, 40],
    dt.date(2017, 3, 1),
    PLAIN,
).case_id


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> RuleHarness:
    harness = RuleHarness(tmp_path_factory.mktemp("rules"), OVERRIDE_ROWS)
    harness.load(BOOK.observations())
    harness.build()
    return harness


@pytest.fixture(scope="module")
def rows(harness: RuleHarness) -> list[dict]:
    return harness.alerts()


@pytest.fixture(scope="module")
def actual(rows: list[dict]) -> dict[str, set[Alert]]:
    by_case: dict[str, set[Alert]] = defaultdict(set)
    for row in rows:
        by_case[row["entity_id"]].add(
            Alert(
                row["rule_id"],
                row["entity_id"],
                row["period_start"],
                row["level"],
                row["effective_threshold"],
                row["months_running"],
                row["run_start_period"],
            )
        )
    return by_case


def _levels(actual: dict[str, set[Alert]], case_id: str) -> set[tuple[str, str, str]]:
    return {(a.rule_id, a.period_start.isoformat()[:7], a.level) for a in actual[case_id]}


def test_every_threshold_row_has_its_boundary_cases() -> None:
    """Below, at and above for each row (twice for a city-wide row of a district rule: in a
    plain district and in the override district; twice per pct_of_* basis: two bases)."""
    labels = [case.label for case in GENERATED]
    for t in SEEDS.thresholds:
        rule = SEEDS.rule(t.rule_id)
        places = 2 if rule.geo_level == "district" and t.district is None else 1
        bases = 1 if rule.basis == "absolute" else 2
        prefix = f"{t.rule_id}[{t.district or 'all'}].{t.level} {t.comparator}{t.value:g} "
        assert sum(label.startswith(prefix) for label in labels) == 3 * places * bases, prefix


def test_the_whole_run_matches_the_reference(actual: dict[str, set[Alert]]) -> None:
    got = set().union(*actual.values())
    assert got == reference_alerts(SEEDS, BOOK.observations())
    assert len(got) > 150  # a harness raising nothing would match an empty reference


@pytest.mark.parametrize("case", GENERATED, ids=lambda case: case.label)
def test_generated_case_matches_the_reference(case: Case, actual: dict[str, set[Alert]]) -> None:
    assert actual[case.case_id] == reference_alerts(SEEDS, case.observations)


LITERAL_LEVELS = [
    # months of supply: red from 36, orange from 18 (建房〔2017〕80号); the most severe level wins
    (MOS_36, {("months_of_supply_high", "2022-06", "red")}),
    (MOS_35_99, {("months_of_supply_high", "2022-06", "orange")}),
    (MOS_40, {("months_of_supply_high", "2022-06", "red")}),
    (MOS_18, {("months_of_supply_high", "2022-06", "orange")}),
    (MOS_17_99, set()),
    (MOS_5_99, {("months_of_supply_low", "2022-06", "red")}),
    (MOS_6, {("months_of_supply_low", "2022-06", "yellow")}),
    # bank RE share against a 27.5% cap: yellow from 95% of it (26.125), red above it
    (BANK_26_12, set()),
    (BANK_95, {("bank_re_loan_concentration", "2022-06", "yellow")}),
    (BANK_CAP, {("bank_re_loan_concentration", "2022-06", "yellow")}),
    (BANK_ABOVE, {("bank_re_loan_concentration", "2022-06", "red")}),
    # price YoY against a control target of 5%: yellow from 80% of it, blue below the -5% floor
    (TARGET_4, {("price_control_target_high", "2022-06", "yellow")}),
    (TARGET_3_99, set()),
    (TARGET_BELOW_MIN, {("price_control_target_low", "2022-06", "blue")}),
    # momentum: > 101.0 in a single month; one month never satisfies the 3-month rule
    (MOM_101, set()),
    (MOM_101_01, {("price_momentum_single", "2022-06", "orange")}),
    # contracts below 85% of the filed price
    (FILED_85, set()),
    (FILED_84_99, {("filed_price_discount", "2022-06", "orange")}),
    # min_sample 12 for months of supply
    (MOS_SAMPLE_11, set()),
    (MOS_SAMPLE_12, {("months_of_supply_high", "2022-06", "red")}),
    # override district: red moved from 36 to 39.6 there, orange still city-wide 18
    (MOS_OVERRIDE_36, {("months_of_supply_high", "2022-06", "orange")}),
    (MOS_OVERRIDE_39_6, {("months_of_supply_high", "2022-06", "red")}),
    # months_of_supply_high takes effect 2017-04-01
    (MOS_BEFORE_RULE, {("months_of_supply_high", "2017-04", "red")}),
]


@pytest.mark.parametrize(
    ("case_id", "expected"), LITERAL_LEVELS, ids=[c for c, _ in LITERAL_LEVELS]
)
def test_literal_levels(case_id: str, expected: set, actual: dict[str, set[Alert]]) -> None:
    assert _levels(actual, case_id) == expected


@pytest.mark.parametrize(
    ("case_id", "expected"), LITERAL_LEVELS, ids=[c for c, _ in LITERAL_LEVELS]
)
def test_the_reference_agrees_with_the_literal_levels(case_id: str, expected: set) -> None:
    case = next(c for c in BOOK.cases if c.case_id == case_id)
    alerts = {
        (a.rule_id, a.period_start.isoformat()[:7], a.level)
        for a in reference_alerts(SEEDS, case.observations)
    }
    assert alerts == expected


def _runs(actual: dict[str, set[Alert]], case_id: str) -> list[tuple[str, int, str]]:
    return sorted(
        (a.period_start.isoformat()[:7], a.months_running, a.run_start_period.isoformat()[:7])
        for a in actual[case_id]
        if a.rule_id == "price_momentum_sustained"
    )


def test_sustained_momentum_alerts_from_the_third_month_running(
    actual: dict[str, set[Alert]],
) -> None:
    assert _runs(actual, SUSTAINED_3) == [("2022-08", 3, "2022-06")]
    assert _runs(actual, SUSTAINED_4) == [("2022-08", 3, "2022-06"), ("2022-09", 4, "2022-06")]
    assert _runs(actual, SUSTAINED_BROKEN) == []  # 100.5 is not above 100.5: the run breaks


def test_an_override_row_replaces_the_city_wide_row_in_its_district_only() -> None:
    overrides = {(r["rule_id"], r["level"]): float(r["threshold"]) for r in OVERRIDE_ROWS}
    assert overrides[("months_of_supply_high", "red")] == 39.6
    assert overrides[("months_of_supply_low", "red")] == 5.4


def test_explanation_carries_the_numbers(rows: list[dict]) -> None:
    row = next(r for r in rows if r["entity_id"] == MOS_36)
    assert row["explanation_zh"] == (
        f"{PLAIN.geo_name} 2022-06 去化周期 36 个月，不低于 36 个月（红色，供应过剩，停止供地）"
    )
    bank = next(r for r in rows if r["entity_id"] == BANK_95)
    assert bank["explanation_zh"] == (  # a bank's label is its name; 26.125 shows as 26.13
        f"测试 {BANK_95} 2022-06 房地产贷款占比 26.13%，不低于 26.13%（黄色，接近档位上限（≥95%））"
    )


def test_alert_id_is_a_hash_of_rule_area_entity_grain_and_period(rows: list[dict]) -> None:
    assert len(rows) > 150
    for row in rows:
        key = "|".join(
            str(row[c])
            for c in ("rule_id", "geo_code", "entity_id", "period_grain", "period_start")
        )
        assert row["alert_id"] == hashlib.md5(key.encode()).hexdigest()


def test_alert_ids_are_stable_across_rebuilds(harness: RuleHarness, rows: list[dict]) -> None:
    harness.dbt("run", "--select", "fct_alerts")

    def ids(alerts: list[dict]) -> dict[tuple, str]:
        return {(r["rule_id"], r["entity_id"], r["period_start"]): r["alert_id"] for r in alerts}

    assert ids(harness.alerts()) == ids(rows)
