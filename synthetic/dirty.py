"""Dirty-row injection: the faults a bureau's files really carry, each one recorded in truth/.

Works on a frame of strings just before it is written. Mutations touch one cell of a row;
exact duplicates insert a whole copy later in the same file (or a row of the previous file).
Protected rows (planted events, cancellations and the contracts they cancel) stay clean so alert
tests never lose their evidence to quarantine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

KINDS = (
    "missing_required",
    "unknown_district",
    "exact_duplicate",
    "non_positive_area",
    "bad_date",
    "unit_confusion",
    "bad_number",
)
# Typos no alias list contains (checked by tests against the geography YAML).
TYPOS = {
    "崇川区": "崇川去",
    "港闸区": "港闸去",
    "通州区": "通洲区",
    "海门区": "海们区",
    "海门市": "海们市",
    "如东县": "如冬县",
    "启东市": "启冬市",
    "如皋市": "如高市",
    "海安市": "海按市",
    "海安县": "海按县",
    "南通经济技术开发区": "南通经济技木开发区",
    "苏锡通科技产业园区": "苏锡通科技产业圆区",
    "通州湾江海联动开发示范区": "通州弯江海联动开发示范区",
}


@dataclass(frozen=True)
class DirtySpec:
    """Which columns each fault lands in, for one source's raw layout."""

    required: tuple[str, ...]
    district: str
    area: str | None
    date: str | None
    money: str | None
    money_factor: float
    numbers: tuple[str, ...]
    weights: dict[str, float] = field(default_factory=dict)

    def kinds(self) -> tuple[list[str], np.ndarray]:
        names = [k for k in KINDS if self.weights.get(k, 0) > 0]
        p = np.array([self.weights[k] for k in names], dtype=float)
        return names, p / p.sum()


@dataclass
class Dirty:
    """A chunk's planted faults: row is 1-based within the chunk; column is a header."""

    rows: list[tuple[int, str, str, str]]


def _bad_number(v: str) -> str:
    if "0" in v:
        return v.replace("0", "O", 1)
    return v[:1] + "O" + v[1:] if len(v) > 1 else v + "O"


def _bad_date(v: str, rng: np.random.Generator) -> str:
    sep = "/" if "/" in v else "-"
    year = v[:4] if v[:4].isdigit() else "2021"
    month = f"{int(rng.integers(1, 13)):02d}" if sep == "-" else str(int(rng.integers(1, 13)))
    return rng.choice(
        [
            f"{year}{sep}02{sep}30".replace("/02/", "/2/"),
            f"{year}{sep}{month}{sep}32",
            f"{year}{sep}13{sep}05",
        ]
    )


def _column_for(kind: str, spec: DirtySpec, rng: np.random.Generator) -> str:
    """Header of the cell a fault lands in ('' when this source has no such column)."""
    if kind == "missing_required":
        return str(rng.choice(spec.required))
    if kind == "bad_number":
        return str(rng.choice(spec.numbers)) if spec.numbers else ""
    by_kind = {
        "unknown_district": spec.district,
        "non_positive_area": spec.area,
        "bad_date": spec.date,
        "unit_confusion": spec.money,
    }
    return by_kind[kind] or ""


def _faulty(kind: str, v: str | None, spec: DirtySpec, rng: np.random.Generator) -> str | None:
    """The faulty replacement for cell value `v`."""
    if kind == "missing_required":
        return None
    if kind == "unknown_district":
        return TYPOS.get(v or "", f"{v}去")
    if kind == "non_positive_area":
        return "0" if rng.random() < 0.5 else f"-{v}"
    if kind == "bad_date":
        return _bad_date(v or "2021-01-01", rng)
    if kind == "unit_confusion":
        x = float(v or 0) * spec.money_factor
        return f"{x:.2f}" if spec.money_factor > 1 else f"{x:.4f}"
    return _bad_number(v or "1")


def inject(
    df: pl.DataFrame,
    spec: DirtySpec,
    rng: np.random.Generator,
    n_dirty: int,
    protected: np.ndarray | None = None,
    previous: pl.DataFrame | None = None,
    n_cross: int = 0,
) -> tuple[pl.DataFrame, list[tuple[int, str, str, str]]]:
    """Plant n_dirty faults (+ n_cross rows copied from `previous`); return frame and records."""
    n = len(df)
    ok = np.ones(n, dtype=bool) if protected is None else ~protected
    cand = np.flatnonzero(ok)
    rows = (
        np.sort(rng.choice(cand, size=min(n_dirty, len(cand)), replace=False))
        if len(cand)
        else cand
    )
    names, p = spec.kinds()
    kinds = rng.choice(names, size=len(rows), p=p) if len(rows) else np.array([], dtype=str)
    faults: dict[int, tuple[str, str]] = {}
    edits: dict[str, tuple[list[int], list[str | None]]] = {}
    dups: list[int] = []
    for r, kind in zip(rows.tolist(), kinds.tolist(), strict=True):
        if kind == "exact_duplicate":
            dups.append(r)
            continue
        col = _column_for(kind, spec, rng)
        if not col:
            continue
        value = df[col][r]
        if kind in ("unit_confusion", "non_positive_area", "bad_number") and not value:
            continue
        new = _faulty(kind, value, spec, rng)
        edits.setdefault(col, ([], []))
        edits[col][0].append(r)
        edits[col][1].append(new)
        faults[r] = (kind, col)
    cols = []
    for col in df.columns:
        s = df[col].clone()
        if col in edits:
            s.scatter(edits[col][0], pl.Series(edits[col][1], dtype=pl.Utf8))
        cols.append(s)
    df = pl.DataFrame(cols)
    keys = np.arange(n, dtype=float)
    copies = [df]
    src: list[tuple[int, str]] = [(i, "") for i in range(n)]
    if dups:
        copies.append(df[dups])
        keys = np.concatenate([keys, [rng.uniform(r + 0.5, n) for r in dups]])
        src += [(-1, "exact_duplicate")] * len(dups)
    if previous is not None and n_cross > 0 and len(previous):
        take = rng.choice(len(previous), size=min(n_cross, len(previous)), replace=False)
        copies.append(previous[np.sort(take).tolist()].select(df.columns))
        keys = np.concatenate([keys, rng.uniform(0, n, len(take))])
        src += [(-1, "exact_duplicate")] * len(take)
    out = pl.concat(copies)
    order = np.argsort(keys, kind="stable")
    out = out[order.tolist()]
    records = []
    for pos, o in enumerate(order.tolist(), start=1):
        orig, dup_kind = src[o]
        if dup_kind:
            records.append((pos, "exact_duplicate", "", "duplicate"))
        elif orig in faults:
            records.append((pos, faults[orig][0], faults[orig][1], "quarantine"))
    return out, records
