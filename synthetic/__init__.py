"""Deterministic synthetic Nantong housing market: raw bureau files plus the truth behind them.

`generate()` is what `housewatch generate` calls. Same seed and arguments give byte-identical
files. OUT/raw/ holds what a bureau receives, OUT/truth/ what only the generator knows
(documented in docs/TRUTH.md).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

__all__ = ["generate"]


def generate(
    out_dir: Path,
    start: str = "2016-01",
    end: str = "2025-12",
    scale: float = 1.0,
    seed: int = 20160101,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict:
    """Write raw/, truth/ and docs/ under `out_dir`; return rows, files and dirty counts.

    Raises ValueError (one line) for a malformed month, an end before the start or scale <= 0.
    """
    from synthetic.runner import run

    return run(Path(out_dir), start, end, float(scale), int(seed), progress)
