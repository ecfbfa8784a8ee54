"""One small warehouse per session for the brief tests (2020-01..2021-12, scale 0.1: ~25 s),
and the month whose brief the tests read: the first month of the planted filed-price event."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from core.settings import Paths, paths

START, END, SCALE = "2020-01", "2021-12", 0.1


def need(tool: str) -> None:
    """Skip without a Debian tool on a bare laptop; fail in CI, where .ci/run installs it."""
    if shutil.which(tool):
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {tool} is missing (.ci/run installs poppler-utils)")
    pytest.skip(f"{tool} not installed (apt-get install poppler-utils fonts-noto-cjk)")


@pytest.fixture(scope="session")
def brief_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Paths]:
    """(sample dir with truth/, HOUSEWATCH_HOME with a published analytics.duckdb)."""
    from pipeline.build import build
    from pipeline.load import load
    from synthetic import generate

    root = tmp_path_factory.mktemp("brief")
    generate(root / "sample", start=START, end=END, scale=SCALE)
    home = paths(root / "home")
    load([root / "sample" / "raw"], home)
    build(home)
    return root / "sample", home


@pytest.fixture(scope="session")
def events(brief_home) -> pl.DataFrame:
    sample, _ = brief_home
    return pl.read_csv(sample / "truth" / "events.csv", infer_schema=False)


@pytest.fixture(scope="session")
def event_month(events) -> str:
    """The month the generator planted contracts above their filed price (YYYY-MM)."""
    row = events.filter(pl.col("kind") == "filed_price_above").row(0, named=True)
    return row["start_month"][:7]


def query(home: Paths, sql: str, params: dict | None = None) -> list[dict]:
    con = duckdb.connect(str(home.analytics_db), read_only=True)
    try:
        return con.sql(sql, params=params or {}).pl().to_dicts()
    finally:
        con.close()
