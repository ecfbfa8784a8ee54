"""Domain marts (supply, land, credit, resale, rental, affordability, plan) against independent
polars computations from the landing Parquet, and the generator's planted events."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from core.settings import Paths, paths

START, END, SCALE = "2020-01", "2021-12", 0.2


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Paths]:
    from pipeline.build import build
    from pipeline.load import load
    from synthetic import generate

    root = tmp_path_factory.mktemp("domain_marts")
    home = paths(root / "home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOUSEWATCH_HOME", str(home.home))
        mp.delenv("HOUSEWATCH_KEY_FILE", raising=False)
        generate(root / "sample", start=START, end=END, scale=SCALE)
        load([root / "sample" / "raw"], home)
        build(home)
    return root / "sample", home


@pytest.fixture(scope="module")
def mart(market):
    _, home = market
    con = duckdb.connect(str(home.analytics_db), read_only=True)
    yield lambda sql: con.sql(sql).pl()
    con.close()


def _landing(home: Paths, source: str) -> pl.DataFrame:
    files = sorted((home.landing / source).glob("batch_id=*/data.parquet"))
    frames = [pl.read_parquet(f) for f in files if "batch_id=empty" not in str(f)]
    return pl.concat([f for f in frames if f.height], how="diagonal_relaxed")


def _current(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Latest batch, then latest row within it, per key: the same rule as latest_version()."""
    return frame.sort("_batch_id", "_row").group_by(keys, maintain_order=True).last()


def _events(sample: Path) -> pl.DataFrame:
    return pl.read_csv(sample / "truth" / "events.csv", infer_schema=False)


def _month(text: str) -> date:
    return date.fromisoformat(text[:10])


# ---------- supply


def _monthly_stock(home: Paths, district: str) -> pl.DataFrame:
    """Stock and months of supply of one district from landing, independently of dbt."""
    permits = _current(_landing(home, "presale"), ["permit_id"]).filter(
        pl.col("district_code") == district
    )
    sales = _current(_landing(home, "new_home"), ["contract_id"]).filter(
        (pl.col("district_code") == district)
        & (pl.col("usage") == "住宅")
        & (pl.col("status") != "已撤销")
        & pl.col("cancel_date").is_null()
    )
    first = min(permits["issue_date"].min(), sales["sign_date"].min()).replace(day=1)
    last = max(permits["issue_date"].max(), sales["sign_date"].max()).replace(day=1)
    months = pl.DataFrame({"month": pl.date_range(first, last, "1mo", eager=True)})
    permitted = permits.group_by(pl.col("issue_date").dt.truncate("1mo").alias("month")).agg(
        pl.col("residential_area_sqm").sum().alias("permitted")
    )
    sold = sales.group_by(pl.col("sign_date").dt.truncate("1mo").alias("month")).agg(
        pl.col("area_sqm").sum().alias("sold")
    )
    frame = (
        months.join(permitted, on="month", how="left")
        .join(sold, on="month", how="left")
        .fill_null(0.0)
        .sort("month")
        .with_columns(stock=(pl.col("permitted") - pl.col("sold")).cum_sum())
    )
    return frame.with_columns(
        mos12=pl.col("stock") / (pl.col("sold").rolling_sum(12) / 12),
        mos6=pl.col("stock") / (pl.col("sold").rolling_sum(6) / 6),
    )


def test_months_of_supply_of_a_district_month_matches_landing(market, mart):
    _, home = market
    expected = (
        _monthly_stock(home, "320612")
        .filter(pl.col("month") == date(2021, 6, 1))
        .row(0, named=True)
    )
    got = mart(
        "select * from fct_housing_supply where period_grain = 'month' and geo_code = '320612'"
        " and period_start = date '2021-06-01'"
    ).row(0, named=True)
    assert got["saleable_stock_area_sqm"] == pytest.approx(expected["stock"], rel=1e-9)
    assert got["sold_area_sqm"] == pytest.approx(expected["sold"], rel=1e-9)
    assert got["months_of_supply_12m_months"] == pytest.approx(expected["mos12"], rel=1e-9)
    assert got["months_of_supply_6m_months"] == pytest.approx(expected["mos6"], rel=1e-9)


def test_months_without_sales_still_appear_and_windows_fill_before_publishing(mart):
    months = mart(
        "select period_start, months_of_supply_12m_months, months_of_supply_6m_months"
        " from fct_housing_supply where period_grain = 'month' and geo_level = 'block'"
        " order by period_start"
    )
    n_blocks = mart(
        "select count(distinct geo_code) as n from fct_housing_supply where geo_level = 'block'"
    )["n"][0]
    assert months.height == 24 * n_blocks  # every block every month of 2020-01..2021-12
    first_year = months.filter(pl.col("period_start") < date(2020, 12, 1))
    assert first_year["months_of_supply_12m_months"].null_count() == first_year.height
    assert (
        months.filter(pl.col("period_start") < date(2020, 6, 1))[
            "months_of_supply_6m_months"
        ].null_count()
        == months.filter(pl.col("period_start") < date(2020, 6, 1)).height
    )


def test_quarter_sums_its_months_and_reports_its_last_month_stock(mart):
    rows = mart(
        "select period_grain, period_start, sold_area_sqm, permitted_residential_area_sqm,"
        " saleable_stock_area_sqm, months_of_supply_12m_months from fct_housing_supply"
        " where geo_level = 'urban'"
        " and period_start between date '2021-04-01' and date '2021-06-01'"
    )
    months = rows.filter(pl.col("period_grain") == "month").sort("period_start")
    quarter = rows.filter(
        (pl.col("period_grain") == "quarter") & (pl.col("period_start") == date(2021, 4, 1))
    ).row(0, named=True)
    assert quarter["sold_area_sqm"] == pytest.approx(months["sold_area_sqm"].sum())
    assert quarter["permitted_residential_area_sqm"] == pytest.approx(
        months["permitted_residential_area_sqm"].sum()
    )
    assert quarter["saleable_stock_area_sqm"] == pytest.approx(
        months["saleable_stock_area_sqm"][-1]
    )
    assert quarter["months_of_supply_12m_months"] == pytest.approx(
        months["months_of_supply_12m_months"][-1]
    )


def test_yoy_across_a_year_boundary(mart):
    rows = mart(
        "select period_start, sold_area_sqm, sold_area_sqm_yoy_pct, sold_area_sqm_mom_pct"
        " from fct_housing_supply where period_grain = 'month' and geo_level = 'city'"
        " and period_start in (date '2020-01-01', date '2020-12-01', date '2021-01-01')"
        " order by period_start"
    )
    jan20, dec20, jan21 = rows.rows(named=True)
    assert jan21["sold_area_sqm_yoy_pct"] == pytest.approx(
        100 * (jan21["sold_area_sqm"] / jan20["sold_area_sqm"] - 1)
    )
    assert jan21["sold_area_sqm_mom_pct"] == pytest.approx(
        100 * (jan21["sold_area_sqm"] / dec20["sold_area_sqm"] - 1)
    )


def test_planted_supply_events_show_in_months_of_supply(market, mart):
    sample, _ = market
    events = _events(sample).filter(pl.col("kind").str.starts_with("months_of_supply"))
    assert events.height >= 1
    for event in events.rows(named=True):
        window = mart(
            "select period_start, months_of_supply_12m_months as mos, months_of_supply_band as band"
            " from fct_housing_supply where period_grain = 'month' and geo_level = 'district'"
            f" and geo_code = '{event['district_code']}'"
            f" and period_start between date '{event['start_month']}'"
            f" and date '{event['end_month']}'"
            " and months_of_supply_12m_months is not null"
        )
        assert window.height > 0, event["event_id"]
        # all but one month: the warehouse's stock carries the quarantined contracts (~1.2% of
        # sales), so the edge month of the generator's window can read just across the line
        if event["kind"] == "months_of_supply_low":
            assert (window["mos"] < 6).sum() >= window.height - 1, window
            assert window["mos"].min() < 6
            assert "lt6" in window["band"].to_list()
        else:
            assert (window["mos"] > 36).sum() >= window.height - 1, window


# ---------- land


def test_premium_rate_of_a_parcel_matches_landing(market, mart):
    _, home = market
    land = _current(_landing(home, "land"), ["parcel_id"]).filter(pl.col("status") == "成交")
    parcel = land.sort("parcel_id").row(0, named=True)
    got = mart(f"select * from fct_land_parcels where parcel_id = '{parcel['parcel_id']}'").row(
        0, named=True
    )
    assert got["premium_rate_pct"] == pytest.approx(
        100 * (parcel["deal_price_yuan"] / parcel["start_price_yuan"] - 1)
    )
    assert got["floor_price_yuan_per_sqm"] == pytest.approx(
        parcel["deal_price_yuan"] / parcel["buildable_area_sqm"]
    )


def test_planted_cap_and_lottery_parcels_are_flagged(market, mart):
    sample, _ = market
    events = _events(sample).filter(pl.col("kind").is_in(["land_premium_cap", "land_lottery"]))
    if events.height == 0:
        pytest.skip("no land events planted in this range")
    flagged = mart("select parcel_id from fct_land_parcels where is_at_price_cap")["parcel_id"]
    for event in events.rows(named=True):
        parcel = mart(
            f"select * from fct_land_parcels where parcel_id = '{event['entity_ids']}'"
        ).row(0, named=True)
        assert parcel["is_at_price_cap"], event
        assert parcel["premium_rate_pct"] == pytest.approx(float(event["magnitude"]), abs=0.01)
        assert parcel["is_lottery"] == (event["kind"] == "land_lottery")
    assert set(flagged) == set(events["entity_ids"])  # no other parcel reaches its cap


def test_land_market_counts_reconcile_with_parcels(mart):
    city = mart(
        "select sum(parcels_offered) as offered, sum(parcels_sold) as sold,"
        " sum(land_revenue_yuan) as revenue from fct_land_market"
        " where period_grain = 'year' and geo_level = 'city' and use_group = 'all'"
    ).row(0, named=True)
    parcels = mart(
        "select count(*) as offered, count(*) filter (where status = '成交') as sold,"
        " sum(deal_price_yuan) as revenue from fct_land_parcels"
    ).row(0, named=True)
    assert city["offered"] == parcels["offered"]
    assert city["sold"] == parcels["sold"]
    assert city["revenue"] == pytest.approx(parcels["revenue"])


# ---------- credit


def test_concentration_share_of_a_bank_matches_landing(market, mart):
    _, home = market
    ret = (
        _current(_landing(home, "credit"), ["institution_id", "period_month"])
        .filter((pl.col("institution_id") == "B003") & (pl.col("period_month") == date(2021, 7, 1)))
        .row(0, named=True)
    )
    got = mart(
        "select * from fct_bank_concentration where institution_id = 'B003'"
        " and period_start = date '2021-07-01'"
    ).row(0, named=True)
    share = 100 * ret["re_loans_yuan"] / ret["total_loans_yuan"]
    assert got["re_loan_share_pct"] == pytest.approx(share)
    assert got["re_loan_cap_pct"] == 40.0  # tier 1
    assert got["re_loan_cap_used_pct"] == pytest.approx(100 * share / 40.0)


def test_planted_bank_is_the_only_one_above_its_cap(market, mart):
    sample, _ = market
    event = _events(sample).filter(pl.col("kind") == "bank_concentration").row(0, named=True)
    above = mart(
        "select institution_id, min(period_start) as first_month, max(re_loan_share_pct) as share"
        " from fct_bank_concentration where is_above_cap group by institution_id"
    )
    assert above["institution_id"].to_list() == [event["entity_ids"]]
    assert above["first_month"][0] == max(_month(event["start_month"]), date(2021, 1, 1))
    assert above["share"][0] == pytest.approx(float(event["magnitude"]), abs=0.05)
    before = mart(
        "select re_loan_cap_pct from fct_bank_concentration"
        f" where institution_id = '{event['entity_ids']}'"
        " and period_start < date '2021-01-01'"
    )
    assert before["re_loan_cap_pct"].null_count() == before.height  # caps apply from 2021


def test_city_credit_quarter_sums_new_mortgages_of_its_months(mart):
    rows = mart(
        "select period_grain, new_mortgage_yuan, pf_loans_yuan from fct_credit_market"
        " where period_start between date '2021-07-01' and date '2021-09-01'"
        " and period_grain in ('month', 'quarter')"
    )
    months = rows.filter(pl.col("period_grain") == "month")
    quarter = rows.filter(pl.col("period_grain") == "quarter").row(0, named=True)
    assert months.height == 3
    assert quarter["new_mortgage_yuan"] == pytest.approx(months["new_mortgage_yuan"].sum())
    assert quarter["pf_loans_yuan"] == pytest.approx(months["pf_loans_yuan"].sum())


# ---------- resale, rental, affordability, plan


def test_resale_average_price_and_new_to_resale_ratio(market, mart):
    _, home = market
    resale = _current(_landing(home, "resale"), ["contract_id"]).filter(
        (pl.col("usage") == "住宅")
        & (pl.col("district_code") == "320602")
        & (pl.col("sign_date").dt.year() == 2021)
        & pl.col("cancel_date").is_null()
    )
    got = mart(
        "select * from fct_resale_sales where period_grain = 'year' and geo_code = '320602'"
        " and period_start = date '2021-01-01' and band_type = 'all'"
    ).row(0, named=True)
    assert got["units"] == resale.height
    avg = resale["total_price_yuan"].sum() / resale["area_sqm"].sum()
    assert got["avg_price_yuan_per_sqm"] == pytest.approx(avg)
    assert got["new_to_resale_price_ratio"] == pytest.approx(
        got["new_home_avg_price_yuan_per_sqm"] / avg
    )


def test_rental_yield_uses_matched_communities_only(market, mart):
    _, home = market
    rentals = _current(_landing(home, "rental"), ["registration_id"]).filter(
        pl.col("status").is_in(["有效", "已终止"]) & (pl.col("start_date").dt.year() == 2021)
    )
    resales = _current(_landing(home, "resale"), ["contract_id"]).filter(
        (pl.col("usage") == "住宅") & (pl.col("sign_date").dt.year() == 2021)
    )
    matched = set(rentals["community"]) & set(resales["community"])
    r = rentals.filter(pl.col("community").is_in(list(matched)))
    s = resales.filter(pl.col("community").is_in(list(matched)))
    rent = r["monthly_rent_yuan"].sum() / r["area_sqm"].sum()
    price = s["total_price_yuan"].sum() / s["area_sqm"].sum()
    got = mart(
        "select * from fct_rental_yields where geo_level = 'city'"
        " and period_start = date '2021-01-01'"
    ).row(0, named=True)
    assert got["matched_communities"] == len(matched)
    assert got["gross_yield_pct"] == pytest.approx(100 * 12 * rent / price)
    assert got["price_to_monthly_rent_n"] == pytest.approx(price / rent)


def test_price_to_income_of_a_district_year(market, mart):
    _, home = market
    income = (
        _current(_landing(home, "ref_income_population"), ["district_code", "year"])
        .filter((pl.col("district_code") == "320612") & (pl.col("year").cast(pl.Int64) == 2021))
        .row(0, named=True)
    )
    price = mart(
        "select avg_price_yuan_per_sqm from fct_new_home_sales where period_grain = 'year'"
        " and band_type = 'all' and geo_code = '320612' and period_start = date '2021-01-01'"
    )["avg_price_yuan_per_sqm"][0]
    household = float(income["per_capita_income_yuan"]) * float(income["household_size"] or 2.6)
    got = mart(
        "select * from fct_price_to_income where geo_code = '320612'"
        " and period_start = date '2021-01-01'"
    ).row(0, named=True)
    assert got["price_to_income_small_ratio"] == pytest.approx(price * 90 / household)
    assert got["price_to_income_large_ratio"] == pytest.approx(price * 100 / household)


def test_plan_progress_measures_urban_sold_area_and_lists_the_rest(mart):
    plan = mart("select * from fct_plan_progress")
    area = plan.filter(pl.col("indicator_code") == "new_commodity_housing_area").row(0, named=True)
    urban = mart(
        "select sum(area_sqm) as area from fct_new_home_sales where period_grain = 'year'"
        " and geo_level = 'urban' and band_type = 'all' and period_start >= date '2021-01-01'"
    )["area"][0]
    assert area["actual_value"] == pytest.approx(urban / 10_000)
    assert area["share_achieved_pct"] == pytest.approx(100 * urban / 10_000 / 3375)
    unmeasured = plan.filter(~pl.col("is_measured"))
    assert unmeasured.height > 0
    assert unmeasured["actual_value"].null_count() == unmeasured.height
    assert unmeasured["note"].null_count() == 0
