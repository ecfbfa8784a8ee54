"""Benchmark: time generate() over 2016-01..2025-12 and report wall time and peak RSS.

Usage: python tests/benchmarks/bench_generate.py --scale 1 [--out DIR] [--start/--end YYYY-MM]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from synthetic import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--start", default="2016-01")
    parser.add_argument("--end", default="2025-12")
    parser.add_argument("--seed", type=int, default=20160101)
    parser.add_argument(
        "--out", type=Path, default=None, help="keep the output here (default: temp dir)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hw_bench_") as tmp:
        out = args.out or Path(tmp)
        t0 = time.perf_counter()
        summary = generate(out, start=args.start, end=args.end, scale=args.scale, seed=args.seed)
        wall = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "scale": args.scale,
        "start": args.start,
        "end": args.end,
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(peak_mb, 1),
        "output_mb": round(size / 2**20, 1),
        "rows": summary["rows"],
        "dirty_rows": summary["dirty_rows"],
    }
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
