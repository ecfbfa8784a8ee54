"""Benchmark: monthly, quarterly and annual briefs (HTML + PDF + Markdown) from a published
scale-1 warehouse. Target: a monthly brief under 20 s (issue #6).

    python tests/benchmarks/bench_brief.py [--home DIR] [--month 2025-06]

--home is a HOUSEWATCH_HOME with analytics.duckdb already built (default $HOUSEWATCH_HOME, else
./data); the briefs go to a temporary folder. Each edition is run in a fresh process so the
first-call costs (imports, fonts, vl-convert's engine) are counted, as `housewatch run` pays them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_MONTHLY_S = 20.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--home", type=Path, default=Path(os.environ.get("HOUSEWATCH_HOME", "data"))
    )
    parser.add_argument("--month", default="2025-06")
    args = parser.parse_args()
    if not (args.home / "analytics.duckdb").exists():
        sys.exit(f"{args.home}/analytics.duckdb missing: run housewatch demo or build first")
    year, month = args.month.split("-")
    periods = [args.month, f"{year}-Q{(int(month) - 1) // 3 + 1}", year]
    env = {**os.environ, "HOUSEWATCH_HOME": str(args.home.resolve())}
    out = Path(tempfile.mkdtemp(prefix="hw-brief-bench-"))
    for period in periods:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "housewatch.cli", "brief", "--period", period,
             "--out", str(out / period)],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        if done.returncode:
            sys.exit(done.stderr or done.stdout)
        pdf = out / period / f"brief-{period}.pdf"
        pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        n = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages")), "?")
        verdict = ""
        if len(period) == 7:
            verdict = " OK" if seconds < TARGET_MONTHLY_S else f" SLOW (> {TARGET_MONTHLY_S} s)"
        print(f"brief {period:<8} {seconds:6.1f} s  ({n} PDF pages; {done.stdout.splitlines()[0]})"
              f"{verdict}")  # fmt: skip


if __name__ == "__main__":
    main()
