"""Benchmark: full `housewatch build`, an incremental build after one more month, and the
engine's floor (one hand-written DuckDB query for the core monthly district metrics).

    python tests/benchmarks/bench_build.py --scale 1 [--sample DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from core.settings import paths
from pipeline.build import build
from pipeline.load import expand, load

FLOOR_QUERY = """
with versions as (
    select *, row_number() over (partition by contract_id order by _batch_id desc, _row desc) as r
    from read_parquet('{landing}/new_home/*/data.parquet', hive_partitioning = true)
)
select district_code, period_month, count(*) as units, sum(area_sqm) as area,
       sum(total_price_yuan) as amount, sum(total_price_yuan) / sum(area_sqm) as avg_price
from versions
where r = 1 and usage = '住宅' and status <> '已撤销' and cancel_date is null
group by all
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--sample", type=Path, help="an existing generated sample (raw/ inside)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hw-build-bench-"))
    sample = args.sample
    if sample is None:
        from synthetic import generate

        sample = work / "sample"
        generate(sample, start="2016-01", end="2025-12", scale=args.scale)
    files = expand([sample / "raw"])
    last_month = [f for f in files if f.name.endswith("_2025-12.csv")]
    home = paths(work / "home")
    t0 = time.perf_counter()
    load([f for f in files if f not in last_month], home)
    print(f"load (all but the last month): {time.perf_counter() - t0:.1f} s")
    full = build(home)
    print(f"full build: dbt {full.seconds_dbt:.1f} s + publish {full.seconds_publish:.1f} s")
    load(last_month, home)
    inc = build(home)
    print(f"incremental build after one month: dbt {inc.seconds_dbt:.1f} s "
          f"+ publish {inc.seconds_publish:.1f} s")  # fmt: skip
    con = duckdb.connect()
    t0 = time.perf_counter()
    rows = con.sql(FLOOR_QUERY.format(landing=home.landing)).fetchall()
    floor = time.perf_counter() - t0
    total = full.seconds_dbt + full.seconds_publish
    print(f"engine floor (one DuckDB query, {len(rows)} district-months): {floor:.2f} s; "
          f"full build / floor = {total / floor:.0f}x")  # fmt: skip


if __name__ == "__main__":
    main()
