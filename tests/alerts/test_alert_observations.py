"""The two windowed observations of int_alerts__observations, by the real model on hand-made
upstream tables: volume surge (a month's units against the mean of the 12 months before it, judged
only with 12 months of history) and months of supply (its sample = units sold in the trailing 12
months). fct_alerts then judges them with the shipped seeds."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.alerts.rule_harness import RuleHarness
from tests.alerts.rule_reference import add_months

START = dt.date(2022, 1, 1)  # every rule is in force
DISTRICT, DISTRICT_NAME = "320612", "通州区"

# The upstream relations the model reads, with only the columns it uses.
UPSTREAM: dict[str, tuple[str, ...]] = {
    "intermediate.int_geography__levels": (
        "geo_level varchar", "geo_code varchar", "geo_name varchar",
    ),
    "intermediate.int_supply__housing_supply": (
        "period_grain varchar", "period_start date", "geo_level varchar", "geo_code varchar",
        "geo_name varchar", "months_of_supply_12m_months double", "sold_units bigint",
    ),
    "intermediate.int_credit__bank_concentration": (
        "period_grain varchar", "period_start date", "institution_id varchar",
        "institution_name varchar", "re_loan_share_pct double", "re_loan_cap_pct double",
        "personal_housing_share_pct double", "personal_housing_cap_pct double",
    ),
    "intermediate.int_land__parcels": (
        "status varchar", "is_residential_use boolean", "deal_month date", "district_code varchar",
        "district_name varchar", "parcel_id varchar", "parcel_name varchar",
        "premium_rate_pct double", "land_to_house_price_ratio_pct double", "is_lottery boolean",
    ),
    "intermediate.int_price_indices__typed": (
        "market varchar", "is_headline boolean", "band varchar", "period_grain varchar",
        "period_start date", "geo_level varchar", "geo_code varchar", "geo_name varchar",
        "yoy_index double", "yoy_index_3m double", "mom_index double", "n bigint",
    ),
    "intermediate.int_new_home__sales": (
        "period_grain varchar", "band_type varchar", "period_start date", "geo_level varchar",
        "geo_code varchar", "geo_name varchar", "units bigint",
    ),
    "intermediate.int_new_home__contracts_current": (
        "sign_month date", "district_code varchar", "district_name varchar", "project_id varchar",
        "project_name varchar", "unit_price_yuan_per_sqm double",
        "filed_price_yuan_per_sqm double", "is_residential boolean", "is_cancelled boolean",
    ),
    "intermediate.int_reference__control_targets_current": (
        "market varchar", "district_code varchar", "target_year integer",
        "target_max_pct double", "target_min_pct double",
    ),
    "intermediate.int_rental__registrations_by_area": (
        "period_grain varchar", "period_start date", "geo_level varchar", "geo_code varchar",
        "geo_name varchar", "rent_vs_guide_pct double", "registrations bigint",
    ),
    "intermediate.int_rental__yields_by_area": (
        "period_grain varchar", "period_start date", "geo_level varchar", "geo_code varchar",
        "geo_name varchar", "price_to_monthly_rent_n double", "matched_communities bigint",
    ),
    "intermediate.int_affordability__price_to_income": (
        "period_grain varchar", "period_start date", "geo_level varchar", "geo_code varchar",
        "geo_name varchar", "price_to_income_small_ratio double",
    ),
    "intermediate.int_land__market": (
        "period_grain varchar", "use_group varchar", "period_start date", "geo_level varchar",
        "geo_code varchar", "geo_name varchar", "failed_share_pct double",
        "parcels_offered bigint",
    ),
    "intermediate.int_alerts__purchases": (
        "market varchar", "sign_month date", "sign_date date", "buyer_key varchar",
        "seller_key varchar", "district_code varchar", "district_name varchar",
        "holding_months double", "buyer_purchases_6m bigint",
    ),
    "intermediate.int_alerts__project_stock": (
        "period_start date", "project_id varchar", "project_name varchar",
        "district_code varchar", "district_name varchar", "unsold_share_pct double",
        "permitted_units bigint", "is_district_hot boolean",
    ),
    "intermediate.int_alerts__escrow_projects": (
        "period_start date", "project_id varchar", "project_name varchar",
        "district_code varchar", "district_name varchar", "deposit_ratio_3m_pct double",
        "deposit_contracts bigint", "balance_vs_required_pct double",
        "release_excess_pct_of_key double", "construction_months_overdue bigint",
        "delivery_months_overdue bigint",
    ),
    "intermediate.int_developer__quarters": (
        "quarter_end_month date", "developer_id varchar", "developer varchar",
        "lines_breached bigint", "debt_growth_above_cap_pp double", "debt_growth_cap_pct double",
    ),
    "intermediate.int_resale__escrow": (
        "period_grain varchar", "period_start date", "geo_level varchar", "geo_code varchar",
        "geo_name varchar", "outside_escrow_share_pct double", "contracts_reported bigint",
    ),
    "intermediate.int_alerts__data_quality": (
        "indicator varchar", "period_grain varchar", "period_start date", "geo_level varchar",
        "geo_code varchar", "geo_name varchar", "district_code varchar", "entity_type varchar",
        "entity_id varchar", "entity_name varchar", "institution_id varchar",
        "parcel_id varchar", "observed_value double", "upper_bound_value double",
        "lower_bound_value double", "sample_size double",
    ),
}  # fmt: skip

# New-home units: 10 a month for 12 months, then 15 (= 150% of the trailing mean, not above it)
# and 16 (against (11 × 10 + 15) / 12, i.e. 153.6%).
UNITS = [10] * 12 + [15, 16]
# Months of supply 40 (red) with 1 unit sold a month: the 12-month sample reaches 12 in month 12.
SUPPLY_MONTHS = 13


def _month(offset: int) -> dt.date:
    return add_months(START, offset)


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> RuleHarness:
    harness = RuleHarness(tmp_path_factory.mktemp("observations"), [], stand_in=False)
    rows: dict[str, list[tuple]] = {name: [] for name in UPSTREAM}
    rows["intermediate.int_geography__levels"] = [("city", "320600", "全市")]
    rows["intermediate.int_new_home__sales"] = [
        ("month", "all", _month(i), "district", DISTRICT, DISTRICT_NAME, units)
        for i, units in enumerate(UNITS)
    ]
    rows["intermediate.int_supply__housing_supply"] = [
        ("month", _month(i), "district", DISTRICT, DISTRICT_NAME, 40.0, 1)
        for i in range(SUPPLY_MONTHS)
    ]
    for name, columns in UPSTREAM.items():
        harness.table(name, columns, rows[name])
    harness.build()
    return harness


def _observations(harness: RuleHarness, rule_id: str) -> list[tuple]:
    return [
        (r["period_start"], r["observed_value"], r["sample_size"], r["is_sample_sufficient"])
        for r in harness.query(
            "select * from intermediate.int_alerts__observations"
            f" where rule_id = '{rule_id}' order by period_start"
        )
    ]


def _alerts(harness: RuleHarness, rule_id: str) -> list[tuple]:
    return [
        (r["period_start"], r["level"])
        for r in harness.query(
            f"select * from marts.fct_alerts where rule_id = '{rule_id}' order by period_start"
        )
    ]


def test_volume_surge_is_units_against_the_mean_of_the_previous_12_months(harness) -> None:
    got = _observations(harness, "volume_surge")
    assert got[0][:3] == (_month(0), None, 0)  # no history: no mean
    assert got[11] == (_month(11), 100.0, 11, False)  # 11 months of history are not enough
    assert got[12] == (_month(12), 150.0, 12, True)
    assert got[13][0] == _month(13)
    assert got[13][1] == pytest.approx(100 * 16 / (125 / 12))
    assert got[13][2:] == (12, True)


def test_volume_surge_alerts_above_150_pct_only(harness) -> None:
    assert _alerts(harness, "volume_surge") == [(_month(13), "orange")]


def test_months_of_supply_sample_is_the_units_sold_in_12_months(harness) -> None:
    got = _observations(harness, "months_of_supply_high")
    assert [(period, sample) for period, _, sample, _ in got] == [
        (_month(i), float(min(i + 1, 12))) for i in range(SUPPLY_MONTHS)
    ]
    assert [sufficient for *_, sufficient in got] == [False] * 11 + [True] * 2


def test_months_of_supply_alerts_once_the_sample_is_sufficient(harness) -> None:
    assert _alerts(harness, "months_of_supply_high") == [(_month(11), "red"), (_month(12), "red")]
