"""External formats as configuration: a profile maps a foreign file's columns onto a canonical
contract with a few declarative operations, so a new format is a YAML file, not a new reader.

Profiles come from the package (ingest/profiles/*.yml) and from the user
($HOUSEWATCH_HOME/profiles/*.yml, or one file given as `--profile PATH.yml`); both are recognised
from their `match.headers` and validated when read, with one line naming file, key and problem.

Operations per canonical column: `from` a header (optionally through `regex` (first group),
`split` {sep, index}, `contains` {needle: value} with `default`, and a `unit`), a `constant`,
`hash_of` a list of headers (a stable id for files with none) or `join` a list of headers with
`sep` (a readable id: project + building + room).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from core.errors import UserError
from core.settings import paths
from ingest.headers import UNIT_FACTORS, normalise_text, split_header, unit_factor
from ingest.readers import RawTable, scoped_errors
from ingest.schemas import Contract, contract, contracts

PROFILES_DIR = Path(__file__).parent / "profiles"
OPERATIONS = ("from", "constant", "hash_of", "join")
MODIFIERS = {"from": {"regex", "split", "contains", "default", "unit"}, "join": {"sep"}}
TOP_KEYS = {"name", "source", "description", "match", "columns", "optional", "derive", "city"}
DERIVABLE = {"area_sqm", "total_price_yuan"}  # see normalise._derive_prices
JOIN_SEP = "-"


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
    path: Path | None = None
    builtin: bool = True

    def matches(self, headers: list[str]) -> bool:
        have = {normalise_text(h) for h in headers}
        return bool(self.match_headers) and all(
            normalise_text(h) in have for h in self.match_headers
        )

    def contract(self) -> Contract:
        """The source contract with this profile's optional columns relaxed."""
        base = contract(self.source)
        cols = tuple(
            dataclasses.replace(c, required=False) if c.name in self.optional else c
            for c in base.columns
        )
        return dataclasses.replace(base, columns=cols)

    def headers_used(self) -> set[str]:
        used: set[str] = set()
        for spec in self.columns.values():
            if "from" in spec:
                used.add(str(spec["from"]))
            used.update(str(h) for h in spec.get("hash_of", []) + spec.get("join", []))
        return used


# ---------------------------------------------------------------- reading and validation


def _problem(path: Path, key: str, problem: str) -> UserError:
    return UserError(f"{path}: {key}: {problem}")


def _check_column(path: Path, target: Contract, name: str, spec: object) -> None:
    key = f"columns.{name}"
    if name not in target.names:
        raise _problem(path, key, f"unknown canonical column for {target.source} "
                       f"(see housewatch schema {target.source})")  # fmt: skip
    if not isinstance(spec, dict):
        raise _problem(path, key, "expected a mapping such as {from: HEADER}")
    ops = [op for op in OPERATIONS if op in spec]
    allowed = set(OPERATIONS) | MODIFIERS["from"] | MODIFIERS["join"]
    unknown = sorted(set(spec) - allowed)
    if unknown:
        raise _problem(path, f"{key}.{unknown[0]}", f"unknown operation (known: "
                       f"{', '.join(OPERATIONS)}; with from: regex, split, contains, default, "
                       f"unit; with join: sep)")  # fmt: skip
    if len(ops) != 1:
        raise _problem(
            path, key, f"needs exactly one of {', '.join(OPERATIONS)}, has {ops or 'none'}"
        )
    op = ops[0]
    stray = sorted(set(spec) - {op} - MODIFIERS.get(op, set()))
    if stray:
        raise _problem(path, f"{key}.{stray[0]}", f"not allowed with {op}")
    if op in ("hash_of", "join") and (
        not isinstance(spec[op], list) or not spec[op] or not all(spec[op])
    ):
        raise _problem(path, f"{key}.{op}", "expected a non-empty list of headers")
    if "regex" in spec:
        try:
            groups = re.compile(spec["regex"]).groups
        except re.error as exc:
            raise _problem(path, f"{key}.regex", f"not a regular expression ({exc})") from None
        if groups < 1:
            raise _problem(path, f"{key}.regex", "needs a (group) to extract")
    if "split" in spec and not (
        isinstance(spec["split"], dict)
        and "sep" in spec["split"]
        and isinstance(spec["split"].get("index"), int)
    ):
        raise _problem(path, f"{key}.split", "expected {sep: TEXT, index: N}")
    if "unit" in spec:
        col = target.column(name)
        if col.unit_kind is None:
            raise _problem(path, f"{key}.unit", f"unit not allowed: {name} has no unit")
        if normalise_text(spec["unit"]) not in UNIT_FACTORS[col.unit_kind]:
            known = "/".join(UNIT_FACTORS[col.unit_kind])
            raise _problem(path, f"{key}.unit", f"unit {spec['unit']!r} not allowed for {name} "
                           f"(one of {known})")  # fmt: skip


def read_profile(path: Path, builtin: bool = False) -> Profile:
    """Read and validate one profile file."""
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: no such profile file") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError(f"{path}: not valid YAML ({first})") from None
    if not isinstance(spec, dict):
        raise UserError(f"{path}: expected a mapping with name, source and columns")
    for key in sorted(set(spec) - TOP_KEYS):
        raise _problem(path, key, f"unknown key (known: {', '.join(sorted(TOP_KEYS))})")
    for key in ("source", "columns"):
        if key not in spec:
            raise _problem(path, key, "missing")
    if spec["source"] not in contracts():
        raise _problem(path, "source", f"unknown source {spec['source']!r} (known: "
                       f"{', '.join(contracts())})")  # fmt: skip
    if not isinstance(spec["columns"], dict) or not spec["columns"]:
        raise _problem(path, "columns", "expected a mapping of canonical column -> operation")
    base = contract(spec["source"])
    for name, col_spec in spec["columns"].items():
        _check_column(path, base, str(name), col_spec)
    optional = tuple(str(c) for c in spec.get("optional") or [])
    for name in optional:
        if name not in base.names:
            raise _problem(path, "optional", f"{name!r} is not a column of {base.source}")
    derive = tuple(str(c) for c in spec.get("derive") or [])
    for name in derive:
        if name not in DERIVABLE:
            raise _problem(path, "derive", f"{name!r} cannot be derived (only {sorted(DERIVABLE)})")
    match = spec.get("match") or {}
    headers = match.get("headers", []) if isinstance(match, dict) else None
    if not isinstance(headers, list):
        raise _problem(path, "match.headers", "expected a list of headers")
    prof = Profile(
        name=str(spec.get("name") or path.stem),
        source=spec["source"],
        description=" ".join(str(spec.get("description", "")).split()),
        match_headers=tuple(str(h) for h in headers),
        columns={str(k): v for k, v in spec["columns"].items()},
        optional=optional,
        derive=derive,
        city=str(spec["city"]) if spec.get("city") is not None else None,
        path=path,
        builtin=builtin,
    )
    derived = set(derive) | {"unit_price_yuan_per_sqm"}
    missing = [
        c
        for c in prof.contract().columns
        if c.required and c.name not in prof.columns and c.name not in derived
    ]  # fmt: skip
    if missing:
        names = ", ".join(f"{c.name} ({c.zh})" for c in missing)
        raise _problem(path, "columns", f"required column(s) of {prof.source} not mapped: {names}"
                       " (map them or list them under optional)")  # fmt: skip
    return prof


def user_profiles_dir() -> Path:
    return paths().profiles


def _fingerprint(folder: Path) -> tuple[tuple[str, int], ...]:
    if not folder.is_dir():
        return ()
    return tuple((str(p), p.stat().st_mtime_ns) for p in sorted(folder.glob("*.yml")))


@cache
def _read_all(builtin: tuple, user: tuple) -> dict[str, Profile]:
    found: dict[str, Profile] = {}
    for files, is_builtin in ((builtin, True), (user, False)):
        for name, _ in files:
            prof = read_profile(Path(name), builtin=is_builtin)
            if prof.name in found:
                raise UserError(f"{name}: name: profile {prof.name!r} is already defined in "
                                f"{found[prof.name].path}; choose another name")  # fmt: skip
            found[prof.name] = prof
    return found


def profiles() -> dict[str, Profile]:
    """Built-in then user profiles by name; re-read when a file changes."""
    return _read_all(_fingerprint(PROFILES_DIR), _fingerprint(user_profiles_dir()))


def profile(name_or_path: str) -> Profile:
    """A profile by name, or the file at a path (`--profile my_export.yml`)."""
    if name_or_path.endswith((".yml", ".yaml")) or os.sep in name_or_path:
        return read_profile(Path(name_or_path))
    try:
        return profiles()[name_or_path]
    except KeyError:
        raise UserError(
            f"unknown profile {name_or_path!r}; known: {', '.join(profiles())}"
            " (or pass a path to a .yml file)"
        ) from None


def detect_profile(headers: list[str]) -> Profile | None:
    hits = [p for p in profiles().values() if p.matches(headers)]
    return max(hits, key=lambda p: len(p.match_headers)) if hits else None


def profile_headers() -> set[str]:
    return {normalise_text(h) for p in profiles().values() for h in p.match_headers}


# ---------------------------------------------------------------- applying


def _stable_id(values: list[str | None]) -> str:
    joined = "\x1f".join("" if v is None else v for v in values)
    return hashlib.blake2b(joined.encode(), digest_size=10).hexdigest()


def apply_profile(table: RawTable, prof: Profile) -> tuple[pl.DataFrame, dict[str, float]]:
    """Canonical string columns + `_row`/`_reader_error`/`_reader_field`, and unit factors per
    column."""
    by_header = {normalise_text(h): f"c{i}" for i, h in enumerate(table.headers)}
    target = prof.contract()
    where = f"{table.path.name} (profile {prof.name})"

    def source_of(name: str, op: str, header: str) -> str:
        src = by_header.get(normalise_text(header))
        if src is None:
            raise UserError(f"{where}: columns.{name}.{op}: header {header!r} not in the file")
        return src

    exprs: list[pl.Expr] = []
    factors: dict[str, float] = {}
    names: dict[str, str] = {}  # value column -> the first canonical column it feeds
    for name, spec in prof.columns.items():
        col = target.column(name)
        if "constant" in spec:
            exprs.append(pl.lit(str(spec["constant"])).alias(name))
            continue
        if "hash_of" in spec:
            sources = [source_of(name, "hash_of", h) for h in spec["hash_of"]]
            names.update((s, name) for s in sources if s not in names)
            exprs.append(
                pl.concat_list([pl.col(s).fill_null("") for s in sources])
                .map_elements(lambda v: _stable_id(list(v)), return_dtype=pl.String)
                .alias(name)
            )
            continue
        if "join" in spec:
            sources = [source_of(name, "join", h) for h in spec["join"]]
            names.update((s, name) for s in sources if s not in names)
            parts = [pl.col(s) for s in sources]
            joined = pl.concat_str(
                [p.fill_null("") for p in parts], separator=str(spec.get("sep", JOIN_SEP))
            )
            exprs.append(
                pl.when(pl.any_horizontal(p.is_not_null() for p in parts)).then(joined).alias(name)
            )
            continue
        header = str(spec["from"])
        src = by_header.get(normalise_text(header))
        if src is None:
            if col.required:
                source_of(name, "from", header)  # raises: a required field must be there
            exprs.append(pl.lit(None, dtype=pl.String).alias(name))  # HZ has no decorate_status
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


def _known_headers() -> set[str]:
    names = profile_headers()
    for c in contracts().values():
        for col in c.columns:
            names.add(normalise_text(col.name))
            names.update(normalise_text(a.header).split("(")[0] for a in col.aliases)
    return names


def header_recogniser() -> Callable[[str], bool]:
    """Whether a cell is a header any contract or profile knows: how title rows are skipped."""
    known = _known_headers()

    def is_header(text: str) -> bool:
        norm = normalise_text(text)
        return norm in known or norm.split("(")[0] in known

    return is_header
