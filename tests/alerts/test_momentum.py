"""The planted 海门 price surge (+1.15%/month extra, 2021-03..10) trips the 环比 momentum rules.

Its own sample at scale 0.5: the momentum rules judge a district month only on 100+ contracts
(min_sample; a 环比 on fewer has a standard error near 1%), which the ten-year sample at scale
0.1 does not reach."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest

from core.settings import paths
from pipeline.build import build
from pipeline.load import load


@pytest.fixture(scope="module")
def surge(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], pl.DataFrame]:
    from synthetic import generate

    root = tmp_path_factory.mktemp("momentum")
    generate(root / "sample", start="2020-01", end="2021-12", scale=0.5)
    home = paths(root / "home")
    load([root / "sample" / "raw"], home)
    build(home)
    events = pl.read_csv(root / "sample" / "truth" / "events.csv", infer_schema=False)
    event = events.filter(pl.col("kind") == "price_surge").row(0, named=True)
    con = duckdb.connect(str(home.analytics_db), read_only=True)
    try:
        alerts = con.sql("select * from fct_alerts where rule_family = 'price_momentum'").pl()
    finally:
        con.close()
    return event, alerts


def _months(start: str, end: str) -> list[dt.date]:
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return [d.date() for d in pl.date_range(first, last, "1mo", eager=True).cast(pl.Datetime)]


def test_surge_months_raise_orange_momentum_alerts(surge):
    event, alerts = surge
    window = _months(event["start_month"], event["end_month"])
    found = alerts.filter(
        (pl.col("geo_code") == event["district_code"]) & pl.col("period_start").is_in(window)
    )
    assert set(found["level"]) == {"orange"}
    # +1.15%/month on top of the market: most months of the window break 100.5, many 101.0
    sustained = found.filter(pl.col("rule_id") == "price_momentum_sustained")
    assert sustained.height >= 3
    assert sustained["months_running"].min() >= 3
    assert (sustained["observed_value"] > 100.5).all()
    single = found.filter(pl.col("rule_id") == "price_momentum_single")
    assert single.height >= 1 and (single["observed_value"] > 101.0).all()


def test_momentum_alerts_are_judged_on_enough_contracts(surge):
    _, alerts = surge
    assert (alerts["sample_size"] >= 100).all()
