"""Benchmark: load a generated sample end to end; rows/s per source and peak memory.

    python tests/benchmarks/bench_load.py --scale 1 [--keep DIR]

Generates the ten-year sample (unless --raw points at an existing raw/ folder), loads it into a
fresh HOUSEWATCH_HOME and prints wall time, rows/s per source and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from core.settings import paths
from pipeline.load import load


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--start", default="2016-01")
    parser.add_argument("--end", default="2025-12")
    parser.add_argument("--raw", type=Path, help="an existing raw/ folder to load")
    parser.add_argument("--keep", type=Path, help="keep the generated sample here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hw-bench-"))
    raw = args.raw
    if raw is None:
        from synthetic import generate

        out = args.keep or work / "sample"
        t0 = time.perf_counter()
        generate(out, start=args.start, end=args.end, scale=args.scale)
        print(f"generate scale {args.scale}: {time.perf_counter() - t0:.1f} s")
        raw = out / "raw"
    home = paths(work / "home")
    t0 = time.perf_counter()
    report = load([raw], home)
    wall = time.perf_counter() - t0
    per_source: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for b in report.batches:
        s = per_source[b.source or "rejected"]
        s["files"] += 1
        s["read"] += b.read
        s["seconds"] += b.seconds or 0.0
    total = sum(s["read"] for s in per_source.values())
    print(f"load: {total:,.0f} records in {wall:.1f} s ({total / wall:,.0f} rows/s overall)")
    for source, s in sorted(per_source.items()):
        rate = s["read"] / s["seconds"] if s["seconds"] else 0.0
        print(
            f"  {source:<24} {s['files']:>4.0f} files {s['read']:>10,.0f} rows "
            f"{s['seconds']:>7.1f} s {rate:>10,.0f} rows/s"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mb:,.0f} MB")
    print(json.dumps({"wall_s": round(wall, 2), "records": total, "peak_rss_mb": round(peak_mb)}))


if __name__ == "__main__":
    main()
