"""``housewatch index METHOD --input FILE``: compute a price index from a CSV or Parquet file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from core.errors import UserError
from housewatch.console import fail, out
from indices.result import IndexResult

METHODS: tuple[str, ...] = ("repeat-sales", "hedonic", "nbs-matched", "stratified", "repeat-rent")
# Column defaults per method when an option is omitted: (id, date, price, area).
DEFAULTS: dict[str, tuple[str, str, str, str | None]] = {
    "repeat-sales": ("id", "date", "price", None),
    "hedonic": ("id", "date", "price", None),
    "nbs-matched": ("project_id", "sign_date", "total_price_yuan", "area_sqm"),
    "stratified": ("id", "date", "price", None),
    "repeat-rent": ("unit_id", "start_date", "monthly_rent_yuan", None),
}
NBS_EXTRA: tuple[str, ...] = ("mom", "yoy", "ytd_avg", "n_projects_matched", "n_imputed")


def read_table(path: Path) -> pl.DataFrame:
    """A CSV or Parquet file as a polars frame; unreadable files are a UserError."""
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            return pl.read_parquet(path)
        return pl.read_csv(path, try_parse_dates=True, infer_schema_length=10_000)
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"{path}: cannot read as CSV or Parquet ({first})") from None


def _split(spec: str | None) -> list[str]:
    return [c.strip() for c in spec.split(",") if c.strip()] if spec else []


def compute_index(
    method: str,
    frame: pl.DataFrame,
    *,
    id_col: str | None = None,
    date_col: str | None = None,
    price_col: str | None = None,
    area_col: str | None = None,
    covariates: list[str] | None = None,
    strata: list[str] | None = None,
    group_col: str | None = None,
    freq: str = "month",
    estimator: str = "geometric",
    pairs: str = "all",
    min_gap: int = 0,
    max_annual_return: float | None = None,
) -> IndexResult:
    """Dispatch one CLI method to its estimator, filling per-method column defaults."""
    if method not in METHODS:
        raise UserError(f"method {method!r}: expected one of {', '.join(METHODS)}")
    d_id, d_date, d_price, d_area = DEFAULTS[method]
    id_col, date_col, price_col = id_col or d_id, date_col or d_date, price_col or d_price
    area_col = area_col or d_area
    if method == "repeat-sales":
        from indices.repeat_sales import repeat_sales_index

        return repeat_sales_index(
            frame, id_col=id_col, date_col=date_col, price_col=price_col, freq=freq,
            pairs=pairs, estimator=estimator, min_gap_months=min_gap,
            max_annual_return=max_annual_return, group_col=group_col,
        )  # fmt: skip
    if method == "repeat-rent":
        from indices.rent import repeat_rent_index

        return repeat_rent_index(
            frame, unit_col=id_col, date_col=date_col, rent_col=price_col, area_col=area_col,
            freq=freq, estimator=estimator, min_gap_months=min_gap,
            max_annual_return=max_annual_return, group_col=group_col,
        )  # fmt: skip
    if method == "hedonic":
        from indices.hedonic import hedonic_index

        return hedonic_index(
            frame, date_col=date_col, price_col=price_col, covariates=covariates or [],
            freq=freq, group_col=group_col,
        )  # fmt: skip
    if method == "stratified":
        from indices.stratified import stratified_median_index

        return stratified_median_index(
            frame, date_col=date_col, price_col=price_col, strata=strata or [],
            area_col=area_col, freq=freq,
        )  # fmt: skip
    from indices.nbs import nbs_index

    if freq != "month":
        raise UserError("nbs-matched is monthly: drop --freq or use --freq month")
    return nbs_index(
        frame, project_col=id_col, date_col=date_col, area_col=area_col or "area_sqm",
        amount_col=price_col, band_col=group_col,
    )  # fmt: skip


def output_table(result: IndexResult) -> pl.DataFrame:
    """The columns the CLI prints/writes: [group,] period, index, n, imputed (+ NBS columns)."""
    cols = ([result.group_col] if result.group_col else []) + ["period", "index", "n", "imputed"]
    if result.method == "nbs-matched":
        cols += list(NBS_EXTRA)
    return result.frame.select(cols)


def _print(table: pl.DataFrame, title: str) -> None:
    from rich.table import Table

    view = Table(title=title)
    for col in table.columns:
        view.add_column(col, justify="left" if table.schema[col] == pl.String else "right")
    for row in table.iter_rows():
        view.add_row(*("" if v is None else f"{v:.4f}" if isinstance(v, float) else str(v)
                       for v in row))  # fmt: skip
    out.print(view)


def index(
    method: Annotated[str, typer.Argument(help=f"One of: {', '.join(METHODS)}.")],
    input_file: Annotated[Path, typer.Option("--input", help="CSV or Parquet of sales.")],
    id_col: Annotated[str | None, typer.Option(help="Property/unit/project id column.")] = None,
    date_col: Annotated[str | None, typer.Option(help="Sale/sign/lease date column.")] = None,
    price_col: Annotated[
        str | None, typer.Option(help="Price (rent; for nbs-matched the amount) column.")
    ] = None,
    area_col: Annotated[str | None, typer.Option(help="Area column (㎡).")] = None,
    covariates: Annotated[
        str | None, typer.Option(help="Hedonic covariates, comma-separated.")
    ] = None,
    strata: Annotated[str | None, typer.Option(help="Stratified: strata columns, a,b,c.")] = None,
    group_col: Annotated[
        str | None, typer.Option(help="One index per group (nbs-matched: band column).")
    ] = None,
    freq: Annotated[str, typer.Option(help="month | quarter | year.")] = "month",
    estimator: Annotated[str, typer.Option(help="geometric | weighted | arithmetic.")] = (
        "geometric"
    ),
    pairs: Annotated[str, typer.Option(help="all | sequential.")] = "all",
    min_gap: Annotated[int, typer.Option(help="Drop pairs fewer months apart (flips).")] = 0,
    max_annual_return: Annotated[
        float | None, typer.Option(help="Drop pairs above this |annualised return|, e.g. 1.0.")
    ] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write CSV here.")] = None,
) -> None:
    """Price index (repeat sales, hedonic, NBS matched, stratified median, repeat rent)."""
    try:
        if method not in METHODS:
            raise UserError(f"method {method!r}: expected one of {', '.join(METHODS)}")
        frame = read_table(input_file)
        try:
            result = compute_index(
                method, frame, id_col=id_col, date_col=date_col, price_col=price_col,
                area_col=area_col, covariates=_split(covariates), strata=_split(strata),
                group_col=group_col, freq=freq, estimator=estimator, pairs=pairs,
                min_gap=min_gap, max_annual_return=max_annual_return,
            )  # fmt: skip
        except UserError as exc:
            raise UserError(f"{input_file}: {exc}") from None
        table = output_table(result)
        if out_file is not None:
            if not out_file.parent.is_dir():
                raise UserError(f"--out {out_file}: folder {out_file.parent} does not exist")
            table.write_csv(out_file)
            sys.stdout.write(f"wrote {table.height} rows to {out_file}\n")
            return
        _print(table, f"{result.method} · {input_file.name}")
    except UserError as exc:
        fail(str(exc))
