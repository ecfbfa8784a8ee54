"""Shared fixtures: an empty HOUSEWATCH_HOME per test, the read-only ../shared folder, dbt builds
without the dbt unit tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.settings import Paths, paths

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
NO_UNIT_TESTS = "DBT_EXCLUDE_RESOURCE_TYPES"  # dbt-core's env var for --exclude-resource-type


@pytest.fixture(scope="session", autouse=True)
def _builds_skip_dbt_unit_tests():
    """Every dbt build of the suite leaves the dbt unit tests out: they test the SQL, not the
    data, so they give the same answer in every build. tests/warehouse/test_build.py's first
    build runs them all and checks that every one passed."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(NO_UNIT_TESTS, "unit_test")
        yield


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    root = tmp_path / "home"
    monkeypatch.setenv("HOUSEWATCH_HOME", str(root))
    monkeypatch.delenv("HOUSEWATCH_KEY_FILE", raising=False)
    return paths(root)


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared beside the checkout; tests needing it skip on a bare laptop, never in CI."""
    if not SHARED.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {SHARED} is missing")
        pytest.skip(f"{SHARED} not present (real-file tests need ../shared)")
    return SHARED


TEN_YEARS = ("2016-01", "2025-12", 0.1)  # start, end, scale of the shared ten-year sample


@pytest.fixture(scope="session")
def ten_year_market(tmp_path_factory: pytest.TempPathFactory):
    """The ten-year sample market at scale 0.1, generated and loaded once per session:
    (sample dir with raw/ and truth/, its HOUSEWATCH_HOME, the load report)."""
    from pipeline.load import load
    from synthetic import generate

    start, end, scale = TEN_YEARS
    root = tmp_path_factory.mktemp("ten_years")
    generate(root / "sample", start=start, end=end, scale=scale)
    home = paths(root / "home")
    return root / "sample", home, load([root / "sample" / "raw"], home)


@pytest.fixture(scope="session")
def ten_year_warehouse(ten_year_market) -> tuple[Path, Paths]:
    """The ten-year sample built and published: (sample dir, HOUSEWATCH_HOME)."""
    from pipeline.build import build

    sample, home, _ = ten_year_market
    build(home)
    return sample, home
