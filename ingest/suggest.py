"""`housewatch profile suggest`: read a foreign export's headers and a sample of its rows and
write a profile an analyst can review and load unedited.

Evidence, strongest first: a header that is an alias of a canonical column; the same after the
wrapping real systems add (所属…, …名称, units in brackets, punctuation); similarity to the
column's Chinese and English names; and the values themselves (dates, district names, ID and
phone numbers, status words, money whose magnitude tells 元 from 万元). Values outrank names
where they disagree: a column of ID numbers is never mapped to anything but a personal column.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import statistics
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from core.errors import UserError
from ingest.geography import DEFAULT_CITY, gazetteer
from ingest.headers import UNIT_FACTORS, normalise_text, split_header
from ingest.pseudonymise import DOCUMENT_PATTERN, PHONE_PATTERN
from ingest.readers import RawTable
from ingest.schemas import Column, Contract, contract, contracts

SAMPLE_ROWS = 500
SHARE = 0.8  # share of sampled values that must fit a content test
SIMILAR = 0.6  # lowest name similarity kept as a candidate
PREFIXES = ("房屋所在", "所属", "所在", "本次", "房屋", "项目")
SUFFIXES = ("名称", "号码", "信息", "情况")
EQUIVALENT_ENDINGS = (("时间", "日期"), ("编码", "编号"), ("代码", "编号"), ("区域", "区县"))
_PUNCT = re.compile(r"[\s_\-·.:：/\\、,，()（）\[\]【】<>《》'\"]")
_DATE = re.compile(r"^\d{4}[-/.年]\d{1,2}([-/.月]\d{1,2}日?|月)?([ T].*)?$|^(19|20)\d{6}$")
_NUMBER = re.compile(r"^-?[0-9,]+(\.[0-9]+)?$")
_ID = re.compile(DOCUMENT_PATTERN)
_PHONE = re.compile(PHONE_PATTERN)


@dataclass(frozen=True)
class Choice:
    column: str
    spec: dict
    confidence: float
    why: str


@dataclass
class Suggestion:
    path: Path
    source: str
    choices: list[Choice]
    unmatched: list[str]
    personal_dropped: list[str]
    derive: list[str] = field(default_factory=list)
    city: str | None = None
    rows_sampled: int = 0

    @property
    def score(self) -> float:
        return sum(c.confidence for c in self.choices)

    def to_yaml(self, name: str | None = None) -> str:
        name = name or _slug(f"{self.source}_{self.path.stem}")
        match = [c.spec["from"] for c in self.choices if "from" in c.spec and c.confidence >= 0.85]
        lines = [
            f"# suggested by `housewatch profile suggest` from {self.path.name} on "
            f"{dt.date.today().isoformat()} ({self.rows_sampled} rows sampled)",
            "# review each line; save under $HOUSEWATCH_HOME/profiles/ or pass --profile PATH.yml",
            _flow("name", name),
            _flow("source", self.source),
            _flow("description", f"suggested from {self.path.name}; reviewed by: (name, date)"),
            "match:",
            "  " + _flow("headers", match[:8] or [c.spec["from"] for c in self.choices][:3]),
        ]
        if self.city:
            lines.append(_flow("city", self.city) + "  # district names are in this gazetteer")
        if self.derive:
            lines.append(_flow("derive", self.derive) + "  # computed from the unit price")
        lines.append("columns:")
        for c in self.choices:
            lines.append(f"  {_flow(c.column, c.spec)}  # {c.why}, confidence {c.confidence:.2f}")
        if self.personal_dropped:
            lines.append("# personal data, not loaded: " + ", ".join(self.personal_dropped))
        if self.unmatched:
            lines.append("# unmatched headers, not loaded: " + ", ".join(self.unmatched))
        return "\n".join(lines) + "\n"


def _flow(key: str, value: object) -> str:
    text = yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=True, width=10**6)
    return text.strip()[1:-1]  # drop the outer braces of the one-key mapping


def _slug(text: str) -> str:
    return re.sub(r"\W+", "_", text).strip("_").lower()


# ---------------------------------------------------------------- names


def header_key(text: str) -> str:
    """Header without unit, spaces and punctuation, in NFKC lower case."""
    return _PUNCT.sub("", split_header(text)[0])


def header_variants(text: str) -> list[str]:
    """The header and the forms left when the wrapping real systems add is taken off."""
    key = header_key(text)
    out = [key]
    for prefix in PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            out.append(key[len(prefix) :])
    for base in list(out):
        for suffix in SUFFIXES:
            if base.endswith(suffix) and len(base) > len(suffix) + 1:
                out.append(base[: -len(suffix)])
    for base in list(out):
        for a, b in EQUIVALENT_ENDINGS:
            for x, y in ((a, b), (b, a)):
                if base.endswith(x):
                    out.append(base[: -len(x)] + y)
    return list(dict.fromkeys(out))


def _names(col: Column) -> list[str]:
    names = [col.name, col.zh, *(a.header for a in col.aliases)]
    return list(dict.fromkeys(header_key(n) for n in names))


def _name_evidence(header: str, col: Column) -> tuple[float, str] | None:
    names = _names(col)
    variants = header_variants(header)
    if variants[0] in names:
        return 1.0, "alias"
    if any(v in names for v in variants[1:]):
        return 0.9, "alias after taking off 所属/名称/units"
    best = max(difflib.SequenceMatcher(None, v, n).ratio() for v in variants for n in names)
    if best >= SIMILAR:
        return round(0.8 * best, 2), f"name similar to {col.zh} ({best:.2f})"
    return None


# ---------------------------------------------------------------- values


def _share(values: list[str], test) -> float:
    return sum(1 for v in values if test(v)) / len(values) if values else 0.0


def _numbers(values: list[str]) -> list[float]:
    out = []
    for v in values:
        text = v.replace(",", "").replace("，", "").strip()
        if _NUMBER.match(text):
            out.append(float(text))
    return out


def _enum_words(col: Column) -> set[str]:
    return {normalise_text(w) for w in (*col.allowed, *col.synonyms)}


def _content_evidence(
    values: list[str], col: Column, districts: set[str]
) -> tuple[float, str] | None:
    """Positive evidence from the values, or None; `_fits` rules out what cannot be."""
    if not values:
        return None
    if col.type == "district" and _share(values, lambda v: normalise_text(v) in districts) >= SHARE:
        return 0.7, "values are district names"
    if col.type in ("date", "month") and _share(values, lambda v: bool(_DATE.match(v))) >= SHARE:
        return 0.5 + (0.05 if col.required else 0), "values are dates"
    if col.type == "enum":
        words = _enum_words(col)
        if _share(values, lambda v: normalise_text(v) in words) >= SHARE:
            return 0.6 + (0.05 if col.required else 0), f"values are {col.zh} words"
    return None


def _personal(values: list[str]) -> str | None:
    if _share(values, lambda v: bool(_ID.search(v))) >= 0.5:
        return "id"
    if _share(values, lambda v: bool(_PHONE.search(v))) >= 0.5:
        return "phone"
    return None


def _fits(values: list[str], col: Column, personal: str | None) -> bool:
    """False when the values cannot be this column (a name match is then ignored)."""
    if personal == "id":
        return col.type == "pii" and col.name.endswith("_id")
    if personal == "phone":
        return col.type == "drop"
    if not values or col.type in ("string", "pii", "drop", "city"):
        return True
    if col.type in ("int", "float"):
        return (
            _share(values, lambda v: bool(_NUMBER.match(v.replace("，", ",").strip().rstrip("%"))))
            >= SHARE
        )
    if col.type in ("date", "month"):
        return _share(values, lambda v: bool(_DATE.match(v))) >= SHARE
    if col.type == "enum":  # a name alone must not send free text into a closed list
        words = _enum_words(col)
        return _share(values, lambda v: normalise_text(v) in words) >= 0.5
    return True


def _unit(values: list[str], col: Column) -> tuple[str | None, str]:
    """The unit whose factor puts the median where the column usually lies."""
    if col.unit_kind is None or col.typical is None:
        return None, ""
    numbers = [n for n in _numbers(values) if n > 0]
    if not numbers:
        return None, ""
    median = statistics.median(numbers)
    low, high = col.typical
    fits = [u for u, f in UNIT_FACTORS[col.unit_kind].items() if low <= median * f <= high]
    if not fits:
        return None, f"; median {median:g} fits no unit, check"
    factors = UNIT_FACTORS[col.unit_kind]
    canonical = next(u for u, f in factors.items() if f == 1.0)
    if canonical in fits:  # the header names no unit and the values fit the canonical one
        return None, ""
    centre = (low * high) ** 0.5
    order = list(factors)
    best = min(
        fits, key=lambda u: (round(abs(_log(median * factors[u] / centre)), 6), order.index(u))
    )
    return best, f"; unit {best} from the median {median:g}"


def _known_unit(header: str, col: Column) -> bool:
    unit = split_header(header)[1]
    return bool(unit and col.unit_kind and normalise_text(unit) in UNIT_FACTORS[col.unit_kind])


def _log(x: float) -> float:
    return math.log(x) if x > 0 else float("inf")


# ---------------------------------------------------------------- assignment


def _samples(table: RawTable) -> dict[str, list[str]]:
    head = table.frame.head(SAMPLE_ROWS)
    out: dict[str, list[str]] = {}
    for i, header in enumerate(table.headers):
        values = head.get_column(f"c{i}").drop_nulls().str.strip_chars().to_list()
        out[header] = [v for v in values if v]
    return out


def suggest_for(table: RawTable, source: str) -> Suggestion:
    """The profile for `table` as `source`; UserError when a required column has no candidate."""
    target = contract(source)
    samples = _samples(table)
    geo = gazetteer(DEFAULT_CITY)
    districts = set(geo.lookup) if geo else set()
    personal = {h: _personal(v) for h, v in samples.items()}
    candidates: list[tuple[float, str, Column, str]] = []
    for header, values in samples.items():
        for col in target.columns:
            if not _fits(values, col, personal[header]):
                continue
            named = _name_evidence(header, col)
            content = _content_evidence(values, col, districts)
            if named and content:
                score, why = min(1.0, named[0] + 0.1), f"{named[1]}; {content[1]}"
            elif named or content:
                score, why = named or content  # type: ignore[misc]
            elif personal[header]:
                score, why = (
                    0.5,
                    f"values are {'ID' if personal[header] == 'id' else 'phone'} numbers",
                )
            else:
                continue
            candidates.append((score, header, col, why))
    candidates.sort(key=lambda c: (-c[0], table.headers.index(c[1])))
    taken: dict[str, Choice] = {}
    used: set[str] = set()
    for score, header, col, why in candidates:
        if col.name in taken or header in used:
            continue
        spec: dict = {"from": header}
        unit, note = (None, "") if _known_unit(header, col) else _unit(samples[header], col)
        if unit and not any(
            a.unit for a in col.aliases if header_key(a.header) == header_key(header)
        ):
            spec["unit"] = unit
        taken[col.name] = Choice(col.name, spec, score, why + note)
        used.add(header)
    derive = _derive(target, taken, samples)
    missing = [
        c for c in target.columns if c.required and c.name not in taken and c.name not in derive
    ]
    if missing:
        c = missing[0]
        raise UserError(
            f"{table.path.name}: no column for the required {c.name} ({c.zh}) of {source}"
            f"{' and ' + str(len(missing) - 1) + ' more' if len(missing) > 1 else ''};"
            " add it to the export or write the profile by hand"
        )
    dropped = [h for h in table.headers if personal[h] and h not in used]
    dropped += [t.spec["from"] for t in taken.values() if target.column(t.column).type == "drop"]
    unmatched = [h for h in table.headers if h not in used and h not in dropped]
    order = {name: i for i, name in enumerate(target.names)}
    choices = sorted(taken.values(), key=lambda c: order[c.column])
    city = DEFAULT_CITY if "district" in taken and "city" not in taken else None
    return Suggestion(table.path, source, choices, unmatched, dropped,
                      [d for d in derive if d in ("area_sqm", "total_price_yuan")], city,
                      min(table.frame.height, SAMPLE_ROWS))  # fmt: skip


def _header_of(taken: dict[str, Choice], name: str) -> str | None:
    choice = taken.get(name)
    return choice.spec.get("from") if choice else None


def _derive(target: Contract, taken: dict[str, Choice], samples: dict[str, list[str]]) -> set[str]:
    """Fill what real exports lack from what they have, saying how in the comment."""
    names = set(target.names)
    project = _header_of(taken, "project_name")
    if "project_id" in names and "project_id" not in taken:
        base = project or _header_of(taken, "permit_id")
        if base:
            taken["project_id"] = Choice("project_id", {"from": base}, 0.7,
                                         f"derived: the project is named by {base}")  # fmt: skip
    parts = [_header_of(taken, n) for n in ("project_id", "building", "room")]
    if "unit_id" in names and "unit_id" not in taken and all(parts):
        taken["unit_id"] = Choice("unit_id", {"join": parts, "sep": "-"}, 0.7,
                                  "derived: project + building + room")  # fmt: skip
    derived: set[str] = set()
    have = set(taken)
    if "unit_price_yuan_per_sqm" in have:
        for name, other in (("area_sqm", "total_price_yuan"), ("total_price_yuan", "area_sqm")):
            if name in names and name not in have and other in have:
                derived.add(name)
    for key in target.key:
        col = target.column(key)
        if key not in taken and col.type == "string" and col.required:
            fields = [c.spec["from"] for c in taken.values() if "from" in c.spec
                      and target.column(c.column).type not in ("pii", "drop")]  # fmt: skip
            why = f"derived: no {col.zh} in the file, a hash of the record"
            taken[key] = Choice(key, {"hash_of": fields}, 0.6, why)
    return derived


def suggest(table: RawTable, source: str | None = None) -> Suggestion:
    """Best source (or the one given) and its profile; a tie between sources is refused."""
    if source:
        return suggest_for(table, source)
    results: list[Suggestion] = []
    errors: list[str] = []
    for name, c in contracts().items():
        if c.kind != "fact":
            continue
        try:
            results.append(suggest_for(table, name))
        except UserError as exc:
            errors.append(str(exc))
    if not results:
        raise UserError(f"{table.path.name}: fits no source (pass --source to see what is missing)")
    results.sort(key=lambda s: -s.score)
    if len(results) > 1 and results[0].score - results[1].score < 0.5:
        raise UserError(f"{table.path.name}: fits both {results[0].source} and "
                        f"{results[1].source}; pass --source")  # fmt: skip
    return results[0]


@cache
def _known_keys() -> frozenset[str]:
    return frozenset(n for c in contracts().values() for col in c.columns for n in _names(col))


def is_header_like(text: str) -> bool:
    """A cell that names a canonical column in some wording: finds the header below titles."""
    return any(v in _known_keys() for v in header_variants(text))
