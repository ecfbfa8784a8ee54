"""The generator's running state, shared by the per-source modules month after month."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from synthetic.events import Slot
from synthetic.geo import Geography
from synthetic.market import LatentIndex
from synthetic.store import UnitStore


@dataclass
class World:
    """Everything that must survive from one month to the next (bounded by the housing stock)."""

    geo: Geography
    latent: LatentIndex
    store: UnitStore
    seed: int
    scale: float
    start: int
    end: int
    events: dict[str, Slot]
    next_person: int = 0
    permit_seq: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    parcel_seq: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    # month -> contract rows (canonical new-home frame) to re-issue as cancelled
    cancel_queue: dict[int, list[pl.DataFrame]] = field(default_factory=lambda: defaultdict(list))
    # month -> unit indices to re-sign after a cancellation
    resign_queue: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    # month -> unit indices the flipping ring resells
    flip_queue: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    permitted_area: np.ndarray = field(default_factory=lambda: np.zeros(0))
    sold_area: np.ndarray = field(default_factory=lambda: np.zeros(0))
    sold_units: np.ndarray = field(default_factory=lambda: np.zeros(0))
    credit_inputs: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        shape = (len(self.geo.codes), self.end - self.start + 1)
        self.permitted_area = np.zeros(shape)
        self.sold_area = np.zeros(shape)
        self.sold_units = np.zeros(shape)

    def new_persons(self, n: int) -> np.ndarray:
        out = np.arange(self.next_person, self.next_person + n, dtype=np.int64)
        self.next_person += n
        return out

    def event(self, kind: str, month: int) -> Slot | None:
        slot = self.events.get(kind)
        return slot if slot is not None and slot.active(month) else None


def pick(
    rng: np.random.Generator, candidates: np.ndarray, weights: np.ndarray, k: int
) -> np.ndarray:
    """k distinct candidates drawn with probability ∝ weight (Gumbel top-k, O(n))."""
    if k <= 0 or len(candidates) == 0:
        return candidates[:0]
    if k >= len(candidates):
        return candidates.copy()
    keys = np.log(weights) + rng.gumbel(size=len(candidates))
    top = np.argpartition(-keys, k - 1)[:k]
    return candidates[np.sort(top)]
