"""NBS matched-project index for new homes (国家统计局 70 城新建商品住宅价格指数 method).

Steps, per size band (≤90 / 90–144 / >144 ㎡, from each contract's area):

1. cell = project × band × month; average price p = Σ amount / Σ area (never a mean of prices);
2. match each cell to the same project and band in the previous month, or, if it did not sell
   then, to its latest sale within ``max_lookback`` (3) months; r = p_t / p_prev;
3. a project new or idle longer gets an estimated previous price: its r is the band's median r
   among matched cells this month (1 when none matched), so it neither lifts nor drags the
   band; these cells are counted in ``n_imputed``;
4. band 环比 = 100 · ½ (Σ r·area / Σ area + Σ r·amount / Σ amount), weights being *this* month's
   area and amount of each cell (the DOMAIN.md toy reproduces 100.4075 only with this month's
   amount; last month's gives 100.4048). A band-month without contracts has 环比 = 100;
5. city 环比 = Σ_j w_j · I_j / Σ_j w_j with fixed base-year band weights: the band's share of
   the base year's amount (or area); base years rotate (default 2015 for 2016–2020, 2020 from
   2021: a month of year Y uses the latest base year before Y);
6. 定基 chains the 环比 from the first month (= 100), or is rebased so the average of
   ``base_year`` is 100; 同比 = 定基_t / 定基_{t−12} · 100 (= the product of 12 环比);
   ytd_avg = mean 定基 Jan..m of year Y over mean Jan..m of Y−1 · 100 (1–N月平均, 上年同期=100).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from core.errors import UserError
from indices.periods import as_date, month_number, period_label_expr, require_columns
from indices.result import IndexResult

BANDS: tuple[str, ...] = ("≤90", "90–144", ">144")
CITY = "city"


def size_band(area: pl.Expr) -> pl.Expr:
    """NBS size band of a contract's gross floor area (㎡)."""
    return (
        pl.when(area <= 90).then(pl.lit(BANDS[0])).when(area <= 144).then(pl.lit(BANDS[1]))
        .otherwise(pl.lit(BANDS[2]))
    )  # fmt: skip


def band_index(
    relatives: Sequence[float], areas: Sequence[float], amounts: Sequence[float]
) -> float:
    """100·½(Σ r·area/Σ area + Σ r·amount/Σ amount): the mean of area- and amount-weighted r."""
    r, a, m = (pl.Series(x, dtype=pl.Float64) for x in (relatives, areas, amounts))
    return float(50.0 * ((r * a).sum() / a.sum() + (r * m).sum() / m.sum()))


def city_index(band_indices: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """Σ_j w_j I_j / Σ_j w_j over the bands."""
    total = sum(weights[b] for b in band_indices)
    return sum(weights[b] * band_indices[b] for b in band_indices) / total


def project_cells(
    contracts: pl.DataFrame,
    *,
    project_col: str,
    date_col: str,
    area_col: str,
    amount_col: str,
    band_col: str | None = None,
) -> pl.DataFrame:
    """Project × band × month cells: area, amount, contracts and average price."""
    require_columns(contracts, [project_col, date_col, area_col, amount_col, band_col])
    keep = list(
        dict.fromkeys(c for c in (project_col, date_col, area_col, amount_col, band_col) if c)
    )
    rows = as_date(contracts.select(keep), date_col).filter(
        (pl.col(area_col) > 0) & (pl.col(amount_col) > 0) & pl.col(date_col).is_not_null()
    )
    band = pl.col(band_col).cast(pl.String) if band_col else size_band(pl.col(area_col))
    return (
        rows.group_by(
            pl.col(project_col).alias("project"),
            band.alias("band"),
            month_number(pl.col(date_col)).alias("period_no"),
        )
        .agg(
            area=pl.col(area_col).cast(pl.Float64).sum(),
            amount=pl.col(amount_col).cast(pl.Float64).sum(),
            contracts=pl.len(),
        )
        .with_columns(price=pl.col("amount") / pl.col("area"))
    )


def match_cells(cells: pl.DataFrame, max_lookback: int = 3, impute: str = "median") -> pl.DataFrame:
    """Cells with ``relative`` and ``matched``; unmatched ones imputed at the band median."""
    key = ["project", "band"]
    prev_month = pl.col("period_no").shift(1).over(key, order_by="period_no")
    prev_price = pl.col("price").shift(1).over(key, order_by="period_no")
    out = cells.with_columns(gap=pl.col("period_no") - prev_month, prev_price=prev_price)
    out = out.with_columns(matched=pl.col("gap").is_not_null() & (pl.col("gap") <= max_lookback))
    out = out.with_columns(
        own=pl.when(pl.col("matched")).then(pl.col("price") / pl.col("prev_price"))
    )
    median = pl.col("own").median().over(["band", "period_no"]).fill_null(1.0)
    out = out.with_columns(relative=pl.coalesce(pl.col("own"), median))
    if impute == "exclude":
        out = out.filter(pl.col("matched"))
    elif impute != "median":
        raise UserError(f"impute {impute!r}: expected 'median' or 'exclude'")
    return out


def _base_year_weights(
    cells: pl.DataFrame, base_years: Sequence[int], weight_by: str
) -> tuple[pl.DataFrame, dict[int, int]]:
    """Band shares per base year; a base year absent from the data uses the nearest year."""
    if weight_by not in ("amount", "area"):
        raise UserError(f"weight_by {weight_by!r}: expected 'amount' or 'area'")
    yearly = cells.group_by(year=pl.col("period_no") // 12, band="band").agg(
        w=pl.col(weight_by).sum()
    )
    have = sorted(yearly["year"].unique().to_list())
    used = {b: min(have, key=lambda y, b=b: (abs(y - b), y)) for b in base_years}
    parts = [
        yearly.filter(pl.col("year") == y).select(
            "band", weight_year=pl.lit(b), weight=pl.col("w") / pl.col("w").sum()
        )
        for b, y in used.items()
    ]
    return pl.concat(parts), used


def _weight_year(year: pl.Expr, base_years: Sequence[int]) -> pl.Expr:
    """The latest base year before ``year`` (the first base year before any of them)."""
    expr = pl.lit(min(base_years))
    for b in sorted(base_years):
        expr = pl.when(year > b).then(pl.lit(b)).otherwise(expr)
    return expr


def _chain(frame: pl.DataFrame, base_year: int | None) -> pl.DataFrame:
    """定基 from 环比, then 同比 and the year-to-date average, per band."""
    frame = frame.sort("band", "period_no").with_columns(
        index=100.0 * (pl.col("mom") / 100.0).cum_prod().over("band")
    )
    if base_year is not None:
        in_base = (pl.col("period_no") // 12) == base_year
        if frame.filter(in_base).is_empty():
            raise UserError(f"base year {base_year} is outside the data's months")
        mean = pl.col("index").filter(in_base).mean().over("band")
        frame = frame.with_columns(index=100.0 * pl.col("index") / mean)
    year = pl.col("period_no") // 12
    frame = frame.with_columns(
        ytd_mean=pl.col("index").cum_sum().over("band", year)
        / pl.col("index").cum_count().over("band", year),
        ytd_full=pl.col("index").cum_count().over("band", year) == pl.col("period_no") % 12 + 1,
    )
    last_year = frame.select(
        "band",
        period_no=pl.col("period_no") + 12,
        index_12=pl.col("index"),
        ytd_12=pl.when(pl.col("ytd_full")).then(pl.col("ytd_mean")),
    )
    frame = frame.join(last_year, on=["band", "period_no"], how="left")
    return frame.with_columns(
        yoy=100.0 * pl.col("index") / pl.col("index_12"),
        ytd_avg=pl.when(pl.col("ytd_full")).then(100.0 * pl.col("ytd_mean") / pl.col("ytd_12")),
    ).drop("index_12", "ytd_12", "ytd_mean", "ytd_full")


def nbs_index(
    contracts: pl.DataFrame,
    *,
    project_col: str = "project_id",
    date_col: str = "sign_date",
    area_col: str = "area_sqm",
    amount_col: str = "total_price_yuan",
    band_col: str | None = None,
    weights: Mapping[str, float] | None = None,
    base_years: Sequence[int] = (2015, 2020),
    weight_by: str = "amount",
    max_lookback: int = 3,
    impute: str = "median",
    base_year: int | None = None,
) -> IndexResult:
    """NBS matched-project index per size band and for the city, monthly (see module doc).

    ``weights`` fixes the band weights for every month (e.g. published ones); otherwise they are
    the base-year shares of ``weight_by``. ``frame`` has one row per band (``≤90``, ``90–144``,
    ``>144``, ``city``) × month: ``index`` = 定基, ``mom`` = 环比, ``yoy`` = 同比, ``ytd_avg``,
    ``n`` (cells), ``n_projects_matched``, ``n_imputed``, ``imputed`` (no contract that month),
    ``weight`` and ``weight_year``.
    """
    cells = project_cells(
        contracts, project_col=project_col, date_col=date_col, area_col=area_col,
        amount_col=amount_col, band_col=band_col,
    )  # fmt: skip
    if cells.is_empty():
        raise UserError(f"no contracts with a date, positive {area_col!r} and {amount_col!r}")
    bands = [b for b in BANDS if b in set(cells["band"])] if band_col else list(BANDS)
    bands += sorted(set(cells["band"]) - set(bands))
    matched = match_cells(cells, max_lookback, impute)
    per_band = matched.group_by("band", "period_no").agg(
        mom=50.0 * (
            (pl.col("relative") * pl.col("area")).sum() / pl.col("area").sum()
            + (pl.col("relative") * pl.col("amount")).sum() / pl.col("amount").sum()
        ),
        n_projects_matched=pl.col("matched").sum().cast(pl.Int64),
        n_imputed=(~pl.col("matched")).sum().cast(pl.Int64),
    )  # fmt: skip
    months = pl.int_range(cells["period_no"].min(), cells["period_no"].max() + 1, eager=True)
    grid = pl.DataFrame({"band": bands}).join(pl.DataFrame({"period_no": months}), how="cross")
    counts = cells.group_by("band", "period_no").agg(n=pl.len().cast(pl.Int64))
    frame = (
        grid.join(per_band, on=["band", "period_no"], how="left")
        .join(counts, on=["band", "period_no"], how="left")
        .with_columns(
            imputed=pl.col("n").is_null(),
            mom=pl.col("mom").fill_null(100.0),
            n=pl.col("n").fill_null(0),
            n_projects_matched=pl.col("n_projects_matched").fill_null(0),
            n_imputed=pl.col("n_imputed").fill_null(0),
        )
    )
    first = frame["period_no"].min()
    frame = frame.with_columns(mom=pl.when(pl.col("period_no") == first).then(100.0)
                               .otherwise(pl.col("mom")))  # fmt: skip
    diagnostics: dict[str, Any] = {"cells": cells.height}
    if weights is not None:
        missing = [b for b in bands if b not in weights]
        if missing:
            raise UserError(f"band weights lack {', '.join(missing)}")
        w = pl.DataFrame({"band": list(weights), "weight": [float(v) for v in weights.values()]})
        frame = frame.join(w, on="band", how="left").with_columns(
            weight_year=pl.lit(None, dtype=pl.Int64)
        )
    else:
        shares, used = _base_year_weights(cells, base_years, weight_by)
        diagnostics["weight_years_used"] = used
        frame = frame.with_columns(
            weight_year=_weight_year(pl.col("period_no") // 12, base_years).cast(pl.Int64)
        ).join(shares.with_columns(pl.col("weight_year").cast(pl.Int64)),
               on=["band", "weight_year"], how="left")  # fmt: skip
        frame = frame.with_columns(pl.col("weight").fill_null(0.0))
    city = (
        frame.group_by("period_no")
        .agg(
            mom=(pl.col("weight") * pl.col("mom")).sum() / pl.col("weight").sum(),
            n=pl.col("n").sum(),
            n_projects_matched=pl.col("n_projects_matched").sum(),
            n_imputed=pl.col("n_imputed").sum(),
            imputed=pl.col("imputed").all(),
            weight_year=pl.col("weight_year").first(),
        )
        .with_columns(band=pl.lit(CITY), weight=pl.lit(None, dtype=pl.Float64))
    )
    frame = pl.concat([frame, city.select(frame.columns)], how="vertical_relaxed")
    frame = _chain(frame, base_year)
    order = {b: i for i, b in enumerate([*bands, CITY])}
    frame = frame.with_columns(period=period_label_expr(pl.col("period_no"), "month")).sort(
        pl.col("band").replace_strict(order, return_dtype=pl.Int64), "period_no"
    )
    cols = ["band", "period", "period_no", "index", "n", "imputed", "mom", "yoy", "ytd_avg",
            "n_projects_matched", "n_imputed", "weight", "weight_year"]  # fmt: skip
    return IndexResult(frame.select(cols), "nbs-matched", "month", "band", diagnostics)
