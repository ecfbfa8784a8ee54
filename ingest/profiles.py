"""External formats as configuration: a profile (ingest/profiles/*.yml) maps a foreign file's
columns onto a canonical contract with a few declarative operations, so a new format is a YAML
file, not a new reader.

Operations per canonical column: `from` a header (null when the file lacks it; optionally
through `regex` (first group), `split` {sep, index}, `contains` {needle: value} with
`default`), a `constant`, or `hash_of` a list of headers (a stable id for files with none).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from housewatch.errors import UserError
from ingest.headers import normalise_text, split_header, unit_factor
from ingest.readers import RawTable, scoped_errors
from ingest.schemas import Contract, contract

PROFILES_DIR = Path(__file__).parent / "profiles"


@dataclass(frozen=True)
class Profile:
    name: str
    source: str
    description: str
    match_headers: tuple[str, ...]
    columns: dict[str, dict[str, Any]]
    optional: tuple[str, ...] = ()
    derive: tuple[str, ...] = ()
    city: str | None = None

    def matches(self, headers: list[str]) -> bool:
        have = {normalise_text(h) for h in headers}
        return all(normalise_text(h) in have for h in self.match_headers)

    def contract(self) -> Contract:
        """The source contract with this profile's optional columns relaxed."""
        base = contract(self.source)
        cols = tuple(
            dataclasses.replace(c, required=False) if c.name in self.optional else c
            for c in base.columns
        )
        return dataclasses.replace(base, columns=cols)


@cache
def profiles() -> dict[str, Profile]:
    found: dict[str, Profile] = {}
    for path in sorted(PROFILES_DIR.glob("*.yml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        found[spec["name"]] = Profile(
            name=spec["name"],
            source=spec["source"],
            description=" ".join(str(spec.get("description", "")).split()),
            match_headers=tuple(spec["match"]["headers"]),
            columns=spec["columns"],
            optional=tuple(spec.get("optional", [])),
            derive=tuple(spec.get("derive", [])),
            city=spec.get("city"),
        )
    return found


def profile(name: str) -> Profile:
    try:
        return profiles()[name]
    except KeyError:
        raise UserError(f"unknown profile {name!r}; known: {', '.join(profiles())}") from None


def detect_profile(headers: list[str]) -> Profile | None:
    hits = [p for p in profiles().values() if p.matches(headers)]
    return max(hits, key=lambda p: len(p.match_headers)) if hits else None


def profile_headers() -> set[str]:
    return {normalise_text(h) for p in profiles().values() for h in p.match_headers}


def _stable_id(values: list[str | None]) -> str:
    joined = "\x1f".join("" if v is None else v for v in values)
    return hashlib.blake2b(joined.encode(), digest_size=10).hexdigest()


def apply_profile(table: RawTable, prof: Profile) -> tuple[pl.DataFrame, dict[str, float]]:
    """Canonical string columns + `_row`/`_reader_error`/`_reader_field`, and unit factors per
    column."""
    by_header = {normalise_text(h): f"c{i}" for i, h in enumerate(table.headers)}
    target = prof.contract()
    exprs: list[pl.Expr] = []
    factors: dict[str, float] = {}
    names: dict[str, str] = {}  # value column -> the first canonical column it feeds
    where = f"{table.path.name} (profile {prof.name})"
    for name, spec in prof.columns.items():
        col = target.column(name)
        if "constant" in spec:
            exprs.append(pl.lit(str(spec["constant"])).alias(name))
            continue
        if "hash_of" in spec:
            sources = [by_header[normalise_text(h)] for h in spec["hash_of"]]
            names.update((s, name) for s in sources if s not in names)
            exprs.append(
                pl.concat_list([pl.col(s).fill_null("") for s in sources])
                .map_elements(lambda v: _stable_id(list(v)), return_dtype=pl.String)
                .alias(name)
            )
            continue
        header = spec["from"]
        src = by_header.get(normalise_text(header))
        if src is None:  # a field this export leaves out (HZ has no decorate_status)
            exprs.append(pl.lit(None, dtype=pl.String).alias(name))
            continue
        names.setdefault(src, name)
        expr = pl.col(src)
        if "regex" in spec:
            expr = expr.str.extract(spec["regex"], 1)
        if "split" in spec:
            expr = expr.str.split(spec["split"]["sep"]).list.get(
                spec["split"]["index"], null_on_oob=True
            )
        if "contains" in spec:
            out = pl.lit(spec.get("default"), dtype=pl.String)
            for needle, value in reversed(spec["contains"].items()):
                out = (
                    pl.when(pl.col(src).str.contains(needle, literal=True))
                    .then(pl.lit(value))
                    .otherwise(out)
                )
            expr = out
        exprs.append(expr.alias(name))
        unit = spec.get("unit") or split_header(header)[1]
        factors[name] = unit_factor(col, unit, where)
    used = {c for c, name in names.items() if target.column(name).type != "drop"}
    frame = table.frame.select("_row", *scoped_errors(names, used), *exprs)
    if prof.city and "city" not in prof.columns:
        frame = frame.with_columns(city=pl.lit(prof.city))
    return frame, factors
