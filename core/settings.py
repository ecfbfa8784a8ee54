"""Where HouseWatch keeps its files: everything lives under HOUSEWATCH_HOME (default ./data)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    home: Path

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def ledger(self) -> Path:
        return self.home / "ledger.sqlite"

    @property
    def build_db(self) -> Path:
        return self.home / "build.duckdb"

    @property
    def analytics_db(self) -> Path:
        return self.home / "analytics.duckdb"

    @property
    def app_state(self) -> Path:
        return self.home / "app_state.duckdb"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def profiles(self) -> Path:
        """The user's own file-format profiles, read beside the built-in ones."""
        return self.home / "profiles"

    @property
    def lock(self) -> Path:
        return self.home / "pipeline.lock"

    @property
    def pseudonym_key(self) -> Path:
        """The per-installation HMAC key; kept beside, never inside, the warehouse files."""
        override = os.environ.get("HOUSEWATCH_KEY_FILE")
        if override:
            return Path(override)
        return self.home / "secrets" / "pseudonym.key"


def paths(home: str | Path | None = None) -> Paths:
    """Paths under `home`, else $HOUSEWATCH_HOME, else ./data."""
    root = home or os.environ.get("HOUSEWATCH_HOME") or "data"
    return Paths(Path(root).resolve())
