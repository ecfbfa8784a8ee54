"""Geography for the generator, read from ingest/geography/320600.yml (never restated in code)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from synthetic.params import BLOCK_FACTOR, GANGZHA_BLOCKS

GEOGRAPHY_FILE = Path(__file__).resolve().parents[1] / "ingest" / "geography" / "320600.yml"


@dataclass(frozen=True)
class Geography:
    """Districts in YAML order, with their blocks flattened into parallel tuples."""

    city_code: str
    codes: tuple[str, ...]
    names: tuple[str, ...]
    urban: tuple[bool, ...]
    admin: tuple[bool, ...]
    aliases: tuple[tuple[str, ...], ...]
    code_map: tuple[dict, ...]
    block_names: tuple[str, ...]
    block_district: tuple[int, ...]
    block_factor: tuple[float, ...]
    block_is_gangzha: tuple[bool, ...]

    def index(self, code: str) -> int:
        return self.codes.index(code)

    def blocks_of(self, district: int) -> list[int]:
        return [b for b, d in enumerate(self.block_district) if d == district]

    def old_name(self, new_code: str, month: str, gangzha: bool) -> str | None:
        """Name an old file would carry for this district in `month` (YYYY-MM), if renamed since."""
        for row in self.code_map:
            if row["new"] != new_code or month > str(row["valid_to"])[:7]:
                continue
            if row["old"] == "320611" and not gangzha:
                continue
            if row["old"] != "320611" and gangzha:
                continue
            return str(row["old_name"])
        return None

    def known_names(self) -> set[str]:
        """Every spelling the loader is expected to resolve (names, aliases, old names, codes)."""
        out = set(self.names) | set(self.codes)
        for a in self.aliases:
            out |= set(a)
        for row in self.code_map:
            out |= {str(row["old_name"]), str(row["old"])}
        return out


def _stable_jitter(name: str) -> float:
    return ((zlib.crc32(name.encode("utf-8")) % 1000) / 1000.0 - 0.5) * 0.08


@cache
def load_geography(path: Path = GEOGRAPHY_FILE) -> Geography:
    """Parse the geography YAML once; block factors default to a small stable jitter around 1."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    dists = doc["districts"]
    codes = tuple(str(d["code"]) for d in dists)
    b_names: list[str] = []
    b_dist: list[int] = []
    b_fac: list[float] = []
    for i, code in enumerate(codes):
        for j, name in enumerate(doc["blocks"][code]):
            b_names.append(str(name))
            b_dist.append(i)
            default = 1.0 + _stable_jitter(name) + (0.04 if j == 0 else 0.0)
            b_fac.append(BLOCK_FACTOR.get(str(name), default))
    return Geography(
        city_code=str(doc["city_code"]),
        codes=codes,
        names=tuple(str(d["name"]) for d in dists),
        urban=tuple(bool(d["urban"]) for d in dists),
        admin=tuple(bool(d["admin"]) for d in dists),
        aliases=tuple(tuple(str(a) for a in d.get("aliases", [])) for d in dists),
        code_map=tuple(dict(r) for r in doc["code_map"]),
        block_names=tuple(b_names),
        block_district=tuple(b_dist),
        block_factor=tuple(b_fac),
        block_is_gangzha=tuple(n in GANGZHA_BLOCKS for n in b_names),
    )
