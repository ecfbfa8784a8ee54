"""Benchmark: index estimators on synthetic data; prints seconds per estimator.

    python tests/benchmarks/bench_indices.py [--sales 200000] [--contracts 500000] [--months 120]

Repeat sales (geometric, weighted, arithmetic; all pairs) and hedonic on second-hand sales over
``--months`` months, and the NBS matched method on new-home contracts.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date

import numpy as np
import polars as pl

from indices import hedonic_index, nbs_index, repeat_sales_index


def _dates(month: np.ndarray, rng: np.random.Generator) -> pl.Series:
    start = date(2016, 1, 1)
    days = pl.Series(month).cast(pl.Int64)
    offsets = pl.date_range(start, date(2040, 12, 1), "1mo", eager=True)
    first = offsets.gather(days)
    return first + pl.Series(rng.integers(0, 28, month.size)).cast(pl.Duration("ms")) * 86_400_000


def second_hand(n: int, months: int, seed: int = 1) -> pl.DataFrame:
    """n sales of ~n/2.5 homes: each home sells 1–4 times; a known trend plus noise."""
    rng = np.random.default_rng(seed)
    homes = n * 2 // 5
    home = rng.integers(0, homes, n)
    month = rng.integers(0, months, n)
    area = rng.uniform(40, 200, homes)
    block = rng.integers(0, 25, homes)
    trend = 0.004 * np.arange(months) - 0.1 * np.maximum(np.arange(months) - 70, 0) / 50
    log_p = (9.6 + 0.02 * block[home] + np.log(area[home]) + trend[month]
             + rng.normal(0, 0.08, n))  # fmt: skip
    return pl.DataFrame(
        {
            "home_id": home,
            "sale_date": _dates(month, rng),
            "price": np.exp(log_p),
            "area_sqm": area[home],
            "block": pl.Series(block[home]).cast(pl.String),
        }
    )


def contracts(n: int, months: int, seed: int = 2) -> pl.DataFrame:
    """n new-home contracts in ~600 projects with staggered launches."""
    rng = np.random.default_rng(seed)
    projects = 600
    project = rng.integers(0, projects, n)
    launch = rng.integers(0, months, projects)
    month = np.minimum(launch[project] + rng.geometric(0.08, n) - 1, months - 1)
    area = rng.choice([75.0, 89.0, 105.0, 120.0, 138.0, 160.0], n)
    level = rng.uniform(9000, 26000, projects)
    price = level[project] * np.exp(0.003 * month + rng.normal(0, 0.03, n))
    return pl.DataFrame(
        {
            "project_id": project,
            "sign_date": _dates(month, rng),
            "area_sqm": area,
            "total_price_yuan": price * area,
        }
    )


def timed(label: str, fn: Callable[[], object]) -> None:
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    extra = getattr(result, "diagnostics", {})
    pairs = f" ({extra['pairs_used']:,} pairs)" if "pairs_used" in extra else ""
    print(f"{label:<34} {seconds:7.2f} s{pairs}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sales", type=int, default=200_000)
    parser.add_argument("--contracts", type=int, default=500_000)
    parser.add_argument("--months", type=int, default=120)
    args = parser.parse_args()
    sales = second_hand(args.sales, args.months)
    new = contracts(args.contracts, args.months)
    print(f"{sales.height:,} sales, {new.height:,} contracts, {args.months} months")
    kw = dict(id_col="home_id", date_col="sale_date", price_col="price")
    for estimator in ("geometric", "weighted", "arithmetic"):
        timed(f"repeat-sales {estimator}",
              lambda e=estimator: repeat_sales_index(sales, estimator=e, **kw))  # fmt: skip
    timed("repeat-sales geometric, min gap 6m",
          lambda: repeat_sales_index(sales, min_gap_months=6, **kw))  # fmt: skip
    timed("hedonic (area + block)",
          lambda: hedonic_index(sales, date_col="sale_date", price_col="price",
                                covariates=["area_sqm", "block"]))  # fmt: skip
    timed("nbs-matched", lambda: nbs_index(new))


if __name__ == "__main__":
    main()
