"""Price-index estimators: plain numpy/polars functions, no dbt or DuckDB inside.

Each estimator takes a polars DataFrame and returns an :class:`IndexResult` whose ``frame`` has
``period``, ``period_no``, ``index`` (first period = 100), ``n``, ``imputed`` (+ group column
and method diagnostics). Used by dbt Python models (via indices.series) and by
``housewatch index``; a leaf that imports only core.
"""

from indices.hedonic import hedonic_index, rolling_hedonic_index
from indices.nbs import band_index, city_index, nbs_index
from indices.pairs import filter_pairs, flag_pairs, make_pairs
from indices.rent import repeat_rent_index
from indices.repeat_sales import index_from_pairs, repeat_sales_index
from indices.result import IndexResult
from indices.stratified import stratified_median_index

__all__ = [
    "IndexResult",
    "band_index",
    "city_index",
    "filter_pairs",
    "flag_pairs",
    "hedonic_index",
    "index_from_pairs",
    "make_pairs",
    "nbs_index",
    "repeat_rent_index",
    "repeat_sales_index",
    "rolling_hedonic_index",
    "stratified_median_index",
]
