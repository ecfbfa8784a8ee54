"""Shared fixtures: an empty HOUSEWATCH_HOME per test, the read-only ../shared folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from housewatch.settings import Paths, paths

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


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
