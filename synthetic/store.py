"""Columnar registry of every dwelling the generator knows (new-home units and older stock).

Numpy arrays grow in chunks, so memory stays proportional to the housing stock, not to the
number of contracts written. A "community" is a project index: older communities are projects
without permits, and new projects become second-hand communities once delivered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# unit status
FOR_SALE = 1  # permitted, unsold (developer stock)
SOLD = 2  # bought from the developer during the simulation
OLD = 3  # older stock owned by a household
NOT_RELEASED = 0

USAGES = ("住宅", "车位", "商业")

_UNIT_FIELDS: dict[str, type] = {
    "district": np.int16,
    "block": np.int16,
    "project": np.int32,
    "permit": np.int32,
    "building": np.int16,
    "floor": np.int16,
    "room": np.int16,
    "total_floors": np.int16,
    "area": np.float64,
    "usage": np.int8,
    "filed": np.float64,
    "quality": np.float64,
    "status": np.int8,
    "owner": np.int64,
    "listed": np.int32,
    "last_sale": np.int32,
    "build_year": np.int16,
}


@dataclass
class Project:
    """A development (or an older community when `permits` stays empty)."""

    project_id: str
    name: str
    district: int
    block: int
    developer: str
    quality: float
    first_month: int
    build_year: int
    permits: list[int] = field(default_factory=list)
    buildings: int = 0


@dataclass
class Permit:
    permit_id: str
    project: int
    issue_date: np.datetime64
    buildings: str
    units: int
    residential_units: int
    area: float
    residential_area: float
    filed_avg: float


class UnitStore:
    """Growable struct-of-arrays over units plus the project and permit lists."""

    def __init__(self, capacity: int = 65536) -> None:
        self.n = 0
        self.cols: dict[str, np.ndarray] = {
            k: np.zeros(capacity, dtype=t) for k, t in _UNIT_FIELDS.items()
        }
        self.projects: list[Project] = []
        self.permits: list[Permit] = []

    def __getattr__(self, name: str) -> np.ndarray:
        cols = self.__dict__.get("cols")
        if cols is not None and name in cols:
            return cols[name][: self.__dict__["n"]]
        raise AttributeError(name)

    def add(self, **values: np.ndarray | int | float) -> np.ndarray:
        """Append units (arrays broadcast against the longest one); returns their indices."""
        size = max(np.size(v) for v in values.values())
        need = self.n + size
        cap = len(self.cols["area"])
        if need > cap:
            new_cap = max(need, cap * 2)
            for k, arr in self.cols.items():
                grown = np.zeros(new_cap, dtype=arr.dtype)
                grown[: self.n] = arr[: self.n]
                self.cols[k] = grown
        sl = slice(self.n, need)
        for k in _UNIT_FIELDS:
            self.cols[k][sl] = values.get(k, -1 if k in ("owner", "last_sale") else 0)
        self.n = need
        return np.arange(sl.start, sl.stop)

    def set(self, name: str, idx: np.ndarray, value: np.ndarray | int | float) -> None:
        self.cols[name][idx] = value
