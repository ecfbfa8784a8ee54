"""Header normalisation: map a file's headers to a contract's canonical columns and units.

Units come from the header (`合同总价(万元)`), from the alias itself
(`total_price_wan@万元`) or from a declared unit; bare money headers are 元 by convention.
Never guessed from magnitudes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from core.errors import UserError
from ingest.pseudonymise import looks_personal
from ingest.schemas import Column, Contract, contracts

# factor that converts a value in the unit to the canonical unit of its kind (元, ㎡, 元/㎡)
UNIT_FACTORS: dict[str, dict[str, float]] = {
    "money": {"元": 1.0, "yuan": 1.0, "万元": 1e4, "万": 1e4, "wan": 1e4, "亿元": 1e8, "亿": 1e8},
    "area": {"m2": 1.0, "平方米": 1.0, "平米": 1.0, "sqm": 1.0, "万m2": 1e4, "万平方米": 1e4,
             "亩": 10000 / 15, "公顷": 1e4, "ha": 1e4},
    "unit_price": {"元/m2": 1.0, "元/平方米": 1.0, "元/平米": 1.0, "元每平": 1.0, "元": 1.0,
                   "yuan/m2": 1.0, "yuan/sqm": 1.0, "万元/m2": 1e4},
}  # fmt: skip

_UNIT_SUFFIX = re.compile(r"^(.*?)[(\[]([^()\[\]]*)[)\]]$")


def normalise_text(text: str) -> str:
    """NFKC (full-width brackets, ㎡ -> m2), no BOM, no whitespace, lower case."""
    text = unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "")
    return re.sub(r"\s+", "", text).lower()


def split_header(header: str) -> tuple[str, str | None]:
    """`合同总价（万元）` -> (`合同总价`, `万元`)."""
    norm = normalise_text(header)
    m = _UNIT_SUFFIX.match(norm)
    if m and m.group(1):
        return m.group(1), m.group(2) or None
    return norm, None


@dataclass(frozen=True)
class MappedColumn:
    header: str  # as in the file
    column: Column
    factor: float  # multiply parsed numbers by this to reach the canonical unit
    unit: str | None


@dataclass(frozen=True)
class HeaderMapping:
    contract: Contract
    columns: tuple[MappedColumn, ...]
    unknown: tuple[str, ...]

    def missing_required(self) -> list[Column]:
        have = {m.column.name for m in self.columns}
        return [c for c in self.contract.columns if c.required and c.name not in have]


def _alias_index(contract: Contract) -> dict[str, tuple[Column, str | None]]:
    index: dict[str, tuple[Column, str | None]] = {}
    for col in contract.columns:
        index.setdefault(normalise_text(col.name), (col, None))
        for alias in col.aliases:
            base, unit = split_header(alias.header)
            index.setdefault(base, (col, alias.unit or unit))
    return index


def unit_factor(column: Column, unit: str | None, where: str) -> float:
    if column.unit_kind is None or unit is None:
        return 1.0
    factors = UNIT_FACTORS[column.unit_kind]
    key = normalise_text(unit)
    if key not in factors:
        known = "/".join(factors)
        raise UserError(f"{where}: unit {unit!r} of column {column.name} is not one of {known}")
    return factors[key]


def map_headers(
    headers: list[str],
    contract: Contract,
    where: str,
    declared_units: dict[str, str] | None = None,
) -> HeaderMapping:
    """Match headers to the contract; one-line error when two headers claim one column."""
    index = _alias_index(contract)
    declared_units = declared_units or {}
    mapped: list[MappedColumn] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for header in headers:
        base, header_unit = split_header(header)
        hit = index.get(base) or index.get(normalise_text(header))
        if hit is None:
            unknown.append(header)
            continue
        column, alias_unit = hit
        if column.name in seen:
            raise UserError(
                f"{where}: columns {seen[column.name]!r} and {header!r} both map to {column.name}"
            )
        seen[column.name] = header
        unit = header_unit or alias_unit or declared_units.get(column.name)
        factor = unit_factor(column, unit, f"{where}, column {header!r}")
        mapped.append(MappedColumn(header, column, factor, unit))
    return HeaderMapping(contract, tuple(mapped), tuple(unknown))


def _quoted(headers: list[str]) -> str:
    """The headers for a message, unless they look like a data row (digits, an ID, a phone):
    a file without its header row must not put a buyer's details into the ledger."""
    if any(re.search(r"[0-9]{4}|^[0-9.]+$", h) or looks_personal(h) for h in headers):
        return f"its first row, {len(headers)} cells, reads like data: is the header row missing?"
    return ", ".join(headers[:8]) + (" …" if len(headers) > 8 else "")


def detect_source(headers: list[str], where: str) -> str:
    """The one source whose required columns are all present and that explains most headers."""
    scores: list[tuple[int, str]] = []
    for name, contract in contracts().items():
        try:
            mapping = map_headers(headers, contract, where)
        except UserError:
            continue
        if mapping.missing_required():
            continue
        scores.append((len(mapping.columns), name))
    if not scores:
        raise UserError(
            f"{where}: cannot tell the source from its headers ({_quoted(headers)}); pass"
            " --source or --profile, or run: housewatch profile suggest FILE"
        )
    scores.sort(reverse=True)
    if len(scores) > 1 and scores[0][0] == scores[1][0]:
        raise UserError(
            f"{where}: headers fit both {scores[0][1]} and {scores[1][1]}; pass --source"
        )
    return scores[0][1]
