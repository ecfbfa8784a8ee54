"""Cities and districts: names, aliases and old codes resolved to today's units.

A city with a gazetteer (ingest/geography/<code>.yml) gets district codes and an unknown
district is an error; other cities keep the district as written (district_code null).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from ingest.headers import normalise_text

GEO_DIR = Path(__file__).parent / "geography"
DEFAULT_CITY = "320600"


@dataclass(frozen=True)
class District:
    code: str
    name: str
    urban: bool
    admin: bool


@dataclass(frozen=True)
class Gazetteer:
    city_code: str
    districts: tuple[District, ...]
    lookup: dict[str, str]  # normalised name/alias/code (incl. old codes) -> current code
    blocks: dict[str, tuple[str, ...]]
    code_map: tuple[dict, ...]

    def by_code(self, code: str) -> District:
        return next(d for d in self.districts if d.code == code)


@cache
def city_lookup() -> dict[str, str]:
    spec = yaml.safe_load((GEO_DIR / "cities.yml").read_text(encoding="utf-8"))
    lookup: dict[str, str] = {}
    for code, names in spec["cities"].items():
        lookup[normalise_text(code)] = str(code)
        for name in names:
            lookup[normalise_text(name)] = str(code)
    return lookup


def resolve_city(value: str | None) -> str | None:
    """City name or GB/T 2260 code -> code; None when unknown."""
    if value is None:
        return None
    return city_lookup().get(normalise_text(value))


@cache
def gazetteer(city_code: str) -> Gazetteer | None:
    path = GEO_DIR / f"{city_code}.yml"
    if not path.exists():
        return None
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    districts = tuple(
        District(str(d["code"]), d["name"], bool(d["urban"]), bool(d["admin"]))
        for d in spec["districts"]
    )
    lookup: dict[str, str] = {}
    for d, raw in zip(districts, spec["districts"], strict=True):
        for name in [d.code, d.name, *raw.get("aliases", [])]:
            lookup[normalise_text(name)] = d.code
    for m in spec.get("code_map", []):
        lookup[normalise_text(str(m["old"]))] = str(m["new"])
        for name in [m["old_name"], *m.get("aliases", [])]:
            lookup.setdefault(normalise_text(name), str(m["new"]))
    blocks = {str(k): tuple(v) for k, v in spec.get("blocks", {}).items()}
    return Gazetteer(str(spec["city_code"]), districts, lookup, blocks, tuple(spec["code_map"]))
