"""Alerts on a built sample by rule and level, split into those the generator planted and those
it did not, and how much of the district-month grid stays green.

    python tests/benchmarks/alert_census.py [--home data] [--truth data/sample/truth]
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

# planted event kind → the rule families that answer it (the price surge also trips momentum
# and the statistical band)
ANSWERS = {
    "price_surge": ["price_control_target", "price_momentum", "statistical_price"],
    "filed_price_above": ["filed_price_above"],
    "filed_price_discount": ["filed_price_discount"],
    "land_premium_cap": ["land_premium_cap"],
    "land_lottery": ["land_lottery", "land_premium_cap"],  # sold at the cap, then to lottery
    "bank_concentration": ["bank_concentration"],
    "months_of_supply_low": ["months_of_supply"],
    "months_of_supply_high": ["months_of_supply"],
    "flipping_ring": ["speculation"],
    "volume_surge": ["volume_surge"],
    "withheld_supply": ["withheld_supply"],
}


def _month(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def planted_mask(alerts: pl.DataFrame, events: pl.DataFrame) -> pl.Series:
    """True for alerts explained by a planted event: its family, place and window (the
    district for area and buyer rules, the entity for banks, parcels and projects)."""
    hit = pl.Series([False] * alerts.height)
    for event in events.iter_rows(named=True):
        families = ANSWERS.get(event["kind"], [])
        first, last = _month(event["start_month"]), _month(event["end_month"])
        if event["kind"] == "months_of_supply_high":
            last = dt.date(2099, 1, 1)  # the flood lasts beyond the recorded window
        if event["kind"] == "withheld_supply":
            last = dt.date(last.year + 1, last.month, 1)  # late sales leave it mostly unsold
        if event["kind"] == "price_surge":
            last = dt.date(last.year + 1, last.month, 1)  # 同比 carries the surge for 12 months
        ids = set(event["entity_ids"].split(";")) | set((event["related_ids"] or "").split(";"))
        in_window = pl.col("period_start").is_between(first, last)
        place = (pl.col("district_code") == event["district_code"]) | pl.col("entity_id").is_in(
            sorted(ids)
        )
        if event["kind"] == "flipping_ring":
            place = pl.col("entity_type") == "buyer"
        if event["kind"] == "withheld_supply":
            last = dt.date(last.year + 1, last.month, 1)  # late sales leave it mostly unsold
        if event["kind"] == "price_surge":
            place = place & ~pl.col("rule_id").str.ends_with("_low")  # a surge is not cold
        match = alerts.select(
            (pl.col("rule_family").is_in(families) & in_window & place).alias("m")
        )["m"]
        hit = hit | match
    return hit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path("data"))
    parser.add_argument("--truth", type=Path, default=None)
    args = parser.parse_args()
    truth = args.truth or args.home / "sample" / "truth"
    con = duckdb.connect(str(args.home / "analytics.duckdb"), read_only=True)
    alerts = con.sql("select * from fct_alerts").pl()
    grid = con.sql(
        "select count(*) from fct_price_indices where market = 'new_home' and is_headline"
        " and band = 'all' and period_grain = 'month' and geo_level = 'district'"
    ).fetchall()[0][0]
    con.close()
    events = pl.read_csv(truth / "events.csv", infer_schema=False)
    alerts = alerts.with_columns(planted=planted_mask(alerts, events))
    table = (
        alerts.group_by("rule_family", "rule_id", "level")
        .agg(pl.len().alias("alerts"), pl.col("planted").sum().alias("planted"))
        .with_columns((pl.col("alerts") - pl.col("planted")).alias("unplanted"))
        .sort("rule_family", "rule_id", "level")
    )
    with pl.Config(tbl_rows=100, tbl_width_chars=160):
        print(table)
    district = alerts.filter(
        pl.col("district_code").is_not_null() & (pl.col("entity_type") == "area")
    )
    for label, frame in [
        ("any area rule", district),
        ("policy rules", district.filter(pl.col("rule_family") != "statistical_price")),
        (
            "policy rules other than months of supply",
            district.filter(
                ~pl.col("rule_family").is_in(["statistical_price", "months_of_supply"])
            ),
        ),
    ]:
        flagged = frame.select("district_code", "period_start").n_unique()
        print(
            f"district-months with an alert ({label}): {flagged} of {grid} ({flagged / grid:.1%})"
        )
    planted = alerts["planted"].sum()
    print(f"alerts {alerts.height}: planted {planted}, unplanted {alerts.height - planted}")


if __name__ == "__main__":
    main()
