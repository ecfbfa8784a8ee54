"""Fault injection for the fault suite: HOUSEWATCH_CRASH_AT=point[:N] makes the process kill
itself (SIGKILL, nothing cleaned up) the N-th time it passes `point` (default the first).

Points: load `read`, `staged`, `landed`, `committed` (per file); build `dbt` (while dbt runs),
`publish` (with the next serving file half written). Unset, it costs a dictionary lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

_passes: Counter[str] = Counter()


def crash_point(point: str) -> None:
    spec = os.environ.get("HOUSEWATCH_CRASH_AT")
    if not spec:
        return
    name, _, nth = spec.partition(":")
    if name != point:
        return
    _passes[point] += 1
    if _passes[point] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
