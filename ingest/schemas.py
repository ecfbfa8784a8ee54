"""Canonical source contracts: one YAML per source under ingest/contracts/.

A contract names each canonical column, its type, unit kind, whether it is required, its allowed
values and the header spellings (Chinese and English) the loader accepts for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from core.errors import UserError

CONTRACTS_DIR = Path(__file__).parent / "contracts"

TYPES = {
    "string",
    "int",
    "float",
    "date",
    "month",
    "bool",
    "enum",
    "district",
    "city",
    "pii",
    "drop",
}


@dataclass(frozen=True)
class Alias:
    header: str
    unit: str | None = None  # unit fixed by the alias itself ("total_price_wan@万元")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    zh: str
    aliases: tuple[Alias, ...]
    required: bool = False
    unit_kind: str | None = None
    allowed: tuple[str, ...] = ()
    synonyms: dict[str, str] = field(default_factory=dict)
    default: str | None = None
    min: float | None = None
    max: float | None = None
    min_exclusive: float | None = None
    becomes: str | None = None
    future_ok: bool = False  # a lease end date lies ahead; a signing date cannot
    typical: tuple[float, float] | None = None  # usual magnitude in the canonical unit (suggest)

    @property
    def output_name(self) -> str:
        """Name in landing: pseudonymised columns are renamed (buyer_id -> buyer_key)."""
        return self.becomes or self.name


CADENCES = ("monthly", "irregular")


@dataclass(frozen=True)
class Expectation:
    """How often a source must deliver over one validity period (data-quality marts)."""

    cadence: str  # monthly: a month without records is a gap; irregular: empty months are normal
    valid_from: dt.date
    valid_to: dt.date | None
    source: str


@dataclass(frozen=True)
class Delivery:
    """What the warehouse expects of a fact source and what goes missing without it."""

    name_en: str
    affects_zh: str
    affects_en: str
    expectations: tuple[Expectation, ...]


@dataclass(frozen=True)
class Contract:
    source: str
    title_zh: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    period_column: str | None = None
    kind: str = "fact"
    checks: tuple[dict[str, Any], ...] = ()
    delivery: Delivery | None = None  # every fact source has one (the source registry)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.source} has no column {name!r}")

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _alias(raw: str) -> Alias:
    header, _, unit = str(raw).partition("@")
    return Alias(header=header, unit=unit or None)


def _column(source: str, spec: dict[str, Any]) -> Column:
    kind = spec.get("type")
    if kind not in TYPES:
        raise UserError(f"contract {source}: column {spec.get('name')!r} has unknown type {kind!r}")
    return Column(
        name=spec["name"],
        type=kind,
        zh=spec.get("zh", spec["name"]),
        aliases=tuple(_alias(a) for a in spec.get("aliases", [])),
        required=bool(spec.get("required", False)),
        unit_kind=spec.get("unit_kind"),
        allowed=tuple(str(a) for a in spec.get("allowed", [])),
        synonyms={str(k): str(v) for k, v in (spec.get("synonyms") or {}).items()},
        default=spec.get("default"),
        min=spec.get("min"),
        max=spec.get("max"),
        min_exclusive=spec.get("min_exclusive"),
        becomes=spec.get("becomes"),
        future_ok=bool(spec.get("future_ok", False)),
        typical=tuple(float(v) for v in spec["typical"]) if spec.get("typical") else None,
    )


def _delivery(source: str, spec: dict[str, Any] | None) -> Delivery | None:
    if spec is None:
        return None
    missing = [
        k for k in ("name_en", "affects_zh", "affects_en") if not str(spec.get(k) or "").strip()
    ]
    if missing:
        raise UserError(f"contract {source}: delivery lacks {', '.join(missing)}")
    expectations = []
    for e in spec.get("expectations") or []:
        if e.get("cadence") not in CADENCES:
            raise UserError(
                f"contract {source}: delivery cadence {e.get('cadence')!r} is not one of {CADENCES}"
            )
        if not isinstance(e.get("valid_from"), dt.date) or not str(e.get("source", "")).strip():
            raise UserError(
                f"contract {source}: each delivery expectation needs a valid_from date and a source"
            )
        expectations.append(
            Expectation(e["cadence"], e["valid_from"], e.get("valid_to"), str(e["source"]))
        )
    if not expectations:
        raise UserError(f"contract {source}: delivery needs at least one expectation")
    return Delivery(
        name_en=str(spec["name_en"]),
        affects_zh=str(spec["affects_zh"]),
        affects_en=str(spec["affects_en"]),
        expectations=tuple(expectations),
    )


def _load(path: Path) -> Contract:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    source = spec["source"]
    return Contract(
        source=source,
        title_zh=spec.get("title_zh", source),
        description=" ".join(str(spec.get("description", "")).split()),
        key=tuple(spec["key"]),
        columns=tuple(_column(source, c) for c in spec["columns"]),
        period_column=spec.get("period_column"),
        kind=spec.get("kind", "fact"),
        checks=tuple(spec.get("checks", [])),
        delivery=_delivery(source, spec.get("delivery")),
    )


@cache
def contracts() -> dict[str, Contract]:
    """Every contract by source name, facts first then reference tables."""
    found = sorted(CONTRACTS_DIR.glob("*.yml")) + sorted(CONTRACTS_DIR.glob("reference/*.yml"))
    loaded = {c.source: c for c in map(_load, found)}
    undelivered = [c.source for c in loaded.values() if c.kind == "fact" and c.delivery is None]
    if undelivered:
        raise UserError(
            f"contracts {', '.join(undelivered)}: a fact source needs a `delivery` block "
            "(name_en, affects_zh/en, expectations) for the data-quality marts"
        )
    return loaded


def fact_sources() -> list[Contract]:
    """The source registry: every fact contract, in name order (reference tables excluded)."""
    return [c for c in contracts().values() if c.kind == "fact"]


def contract(source: str) -> Contract:
    try:
        return contracts()[source]
    except KeyError:
        known = ", ".join(contracts())
        raise UserError(f"unknown source {source!r}; known sources: {known}") from None
