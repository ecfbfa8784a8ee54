"""Index series for the warehouse: every method run per reporting area, monthly, quarterly and
yearly, in one long table.

The dbt Python model `fct_price_indices` calls `price_index_series`; it stays thin so the same
code is tested here without dbt. Areas too thin to estimate (no pairs at all) are listed in
the returned `skipped` rather than silently missing.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from core.errors import UserError
from indices.fixed_effects import project_hedonic_index
from indices.nbs import BANDS, nbs_index
from indices.rent import repeat_rent_index
from indices.repeat_sales import repeat_sales_index
from indices.result import IndexResult

# NBS band labels -> the band codes of the policy_size_bands seed
BAND_CODES = dict(zip([*BANDS, "city"], ["le90", "90to144", "gt144", "all"], strict=True))
SERIES_COLUMNS = [
    "market", "method", "band", "geo_level", "geo_code", "geo_name", "period_grain",
    "period_start", "index_value", "mom_index", "yoy_index", "index_3m", "yoy_index_3m", "n",
    "imputed",
]  # fmt: skip
SMOOTHING_MONTHS = 3  # trailing window of the smoothed series (as S&P CoreLogic Case-Shiller)


def _monthly(frame: pl.DataFrame) -> pl.DataFrame:
    """Standard columns from an engine frame: 定基 index, 环比 and 同比 as 上期=100."""
    out = frame.with_columns(period_start=pl.col("period").str.to_date("%Y-%m")).sort(
        "band", "period_start"
    )
    if "mom" not in out.columns:
        out = out.with_columns(mom=100.0 * pl.col("index") / pl.col("index").shift(1).over("band"))
    yoy = 100.0 * pl.col("index") / pl.col("index").shift(12).over("band")
    smooth = pl.col("index").log().rolling_mean(SMOOTHING_MONTHS).over("band").exp()
    return out.with_columns(
        yoy=yoy,
        mom=pl.when(pl.col("period_no") == pl.col("period_no").min().over("band"))
        .then(None)
        .otherwise(pl.col("mom")),
        index_3m=smooth,
    ).with_columns(yoy_3m=100.0 * pl.col("index_3m") / pl.col("index_3m").shift(12).over("band"))


def _per_area(
    records: pl.DataFrame,
    levels: pl.DataFrame,
    market: str,
    method: str,
    run: Callable[[pl.DataFrame], IndexResult],
    skipped: list[str],
) -> list[pl.DataFrame]:
    frames = []
    areas = levels.group_by("geo_level", "geo_code", "geo_name", maintain_order=True).agg(
        pl.col("district_code")
    )
    for geo_level, geo_code, geo_name, districts in areas.iter_rows():
        sub = records.filter(pl.col("district_code").is_in(districts))  # one area at a time
        if sub.is_empty():
            continue
        try:
            result = run(sub)
        except UserError as exc:
            skipped.append(f"{market}/{method}/{geo_name}: {exc}")
            continue
        frame = result.frame
        if "band" not in frame.columns:
            frame = frame.with_columns(band=pl.lit("all"))
        else:
            frame = frame.with_columns(pl.col("band").replace_strict(BAND_CODES, default=None))
        frame = _monthly(frame).with_columns(
            market=pl.lit(market), method=pl.lit(method), geo_level=pl.lit(geo_level),
            geo_code=pl.lit(geo_code), geo_name=pl.lit(geo_name), period_grain=pl.lit("month"),
        )  # fmt: skip
        frames.append(
            frame.select(
                *SERIES_COLUMNS[:8],
                pl.col("index").alias("index_value"),
                pl.col("mom").alias("mom_index"),
                pl.col("yoy").alias("yoy_index"),
                pl.col("index_3m"),
                pl.col("yoy_3m").alias("yoy_index_3m"),
                pl.col("n").cast(pl.Int64),
                pl.col("imputed"),
            )
        )
    return frames


def with_quarters_and_years(monthly: pl.DataFrame) -> pl.DataFrame:
    """Quarterly and annual series from the monthly ones: the geometric mean of the months'
    定基 levels (as NBS's 1–N月平均 averages months); 环比 vs the previous quarter, 同比 vs the
    same period a year earlier. Complete periods only, so a half-year is never shown as a year.
    """
    keys = ["market", "method", "band", "geo_level", "geo_code", "geo_name"]
    out = [monthly]
    for grain, months, per_year in (("quarter", 3, 4), ("year", 12, 1)):
        periodic = (
            monthly.with_columns(period_start=pl.col("period_start").dt.truncate(f"{months}mo"))
            .group_by(*keys, "period_start")
            .agg(
                index_value=pl.col("index_value").log().mean().exp(),
                n=pl.col("n").sum(),
                imputed=pl.col("imputed").all(),
                months=pl.len(),
            )
            .filter(pl.col("months") == months)
            .sort(*keys, "period_start")
        )
        level = pl.col("index_value")
        periodic = periodic.with_columns(
            period_grain=pl.lit(grain),
            mom_index=(100.0 * level / level.shift(1).over(keys)) if grain == "quarter" else None,
            yoy_index=100.0 * level / level.shift(per_year).over(keys),
            index_3m=pl.lit(None, dtype=pl.Float64),
            yoy_index_3m=pl.lit(None, dtype=pl.Float64),
        )
        out.append(periodic.select(monthly.columns))
    return pl.concat(out, how="vertical_relaxed")


def price_index_series(
    new_home: pl.DataFrame,
    resale: pl.DataFrame,
    rental: pl.DataFrame,
    levels: pl.DataFrame,
    min_gap_months: int = 6,
) -> tuple[pl.DataFrame, list[str]]:
    """All index series per reporting area; `levels` maps district_code to geo levels.

    new_home: residential, non-cancelled contracts (project_id, sign_date, area_sqm, floor,
    total_price_yuan); resale: residential sales with unit_id; rental: registrations with
    unit_id, start_date, monthly_rent_yuan, area_sqm.
    """
    skipped: list[str] = []
    frames: list[pl.DataFrame] = []
    frames += _per_area(
        new_home, levels, "new_home", "nbs_matched", lambda d: nbs_index(d), skipped
    )
    hedonic_input = new_home.with_columns(
        log_area=pl.col("area_sqm").log(), floor=pl.col("floor").cast(pl.Float64).fill_null(0.0)
    )
    frames += _per_area(
        hedonic_input, levels, "new_home", "hedonic_project_fe",
        lambda d: project_hedonic_index(
            d, date_col="sign_date", price_col="total_price_yuan", project_col="project_id",
            area_col="area_sqm", covariates=["log_area", "floor"],
        ),
        skipped,
    )  # fmt: skip
    for estimator in ("geometric", "weighted", "arithmetic"):
        frames += _per_area(
            resale, levels, "resale", f"repeat_sales_{estimator}",
            lambda d, e=estimator: repeat_sales_index(
                d, id_col="unit_id", date_col="sign_date", price_col="total_price_yuan",
                estimator=e, min_gap_months=min_gap_months,
            ),
            skipped,
        )  # fmt: skip
    frames += _per_area(
        rental, levels, "rent", "repeat_rent_geometric",
        lambda d: repeat_rent_index(
            d, unit_col="unit_id", date_col="start_date", rent_col="monthly_rent_yuan",
            area_col="area_sqm",
        ),
        skipped,
    )  # fmt: skip
    if not frames:
        return pl.DataFrame(), skipped
    return with_quarters_and_years(pl.concat(frames, how="vertical_relaxed")), skipped
