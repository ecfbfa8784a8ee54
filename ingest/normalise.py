"""Strings -> typed canonical columns, with a reason code for every value that cannot be used.

Vectorised polars expressions per column type. The first problem of a row (in contract column
order) becomes its quarantine reason; clean rows carry a null `_reason`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from ingest.geography import DEFAULT_CITY, city_lookup, gazetteer
from ingest.headers import normalise_text
from ingest.pseudonymise import Pseudonymiser
from ingest.schemas import Column, Contract

NULL_SPELLINGS = ["", "na", "n/a", "nan", "null", "none", "nil", "暂无数据", "暂无", "无数据", "-",
                  "--", "—", "——", "/", "#n/a"]  # fmt: skip
MAX_TEXT = 500
MIN_DATE = dt.date(1950, 1, 1)
CONTROL_CHARS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
TRUE_WORDS = ["是", "true", "t", "1", "y", "yes", "有", "已监管"]
FALSE_WORDS = ["否", "false", "f", "0", "n", "no", "无", "未监管"]
_DATE_RE = (
    r"^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?|月)?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)


@dataclass(frozen=True)
class Options:
    today: dt.date
    default_city: str = DEFAULT_CITY
    factors: dict[str, float] | None = None  # canonical column -> unit factor
    derive: tuple[str, ...] = ()  # columns a profile lets us compute when missing (area_sqm)


def _clean(name: str) -> pl.Expr:
    text = pl.col(name).str.replace_all(CONTROL_CHARS, "").str.strip_chars()
    return pl.when(text.str.to_lowercase().is_in(NULL_SPELLINGS)).then(None).otherwise(text)


def _norm(expr: pl.Expr) -> pl.Expr:
    """Matching key: NFKC, lower case, no whitespace (as headers.normalise_text)."""
    return expr.str.normalize("NFKC").str.to_lowercase().str.replace_all(r"\s+", "")


def _reason(cond: pl.Expr, code: str) -> pl.Expr:
    return pl.when(cond).then(pl.lit(code)).otherwise(None)


def _number(col: Column, factor: float) -> tuple[pl.Expr, pl.Expr]:
    text = _clean(col.name).str.replace_all(r"[,，\s]", "").str.strip_suffix("%")
    value = text.cast(pl.Float64, strict=False)
    bad = text.is_not_null() & (value.is_null() | value.is_nan() | value.is_infinite())
    if col.type == "int":
        bad = bad | (value.is_not_null() & (value.round(0) != value))
    value = pl.when(bad).then(None).otherwise(value * factor)
    problems = [_reason(bad, "bad_number")]
    if col.min_exclusive is not None:
        code = "non_positive" if col.min_exclusive == 0 else "out_of_range"
        problems.append(_reason(value <= col.min_exclusive, code))
    if col.min is not None:
        problems.append(_reason(value < col.min, "out_of_range"))
    if col.max is not None:
        problems.append(_reason(value > col.max, "out_of_range"))
    if col.type == "int":
        value = value.cast(pl.Int64)
    return value, pl.coalesce(problems)


def _date(col: Column, today: dt.date) -> tuple[pl.Expr, pl.Expr]:
    text = _clean(col.name)
    compact = text.str.replace(r"^(\d{4})(\d{2})(\d{2})$", "$1-$2-$3")
    parts = compact.str.extract_groups(_DATE_RE)
    iso = pl.format(
        "{}-{}-{}",
        parts.struct.field("1"),
        parts.struct.field("2").str.zfill(2),
        parts.struct.field("3").fill_null("1").str.zfill(2),
    )
    value = iso.str.to_date("%Y-%m-%d", strict=False)
    if col.type == "month":
        value = value.dt.truncate("1mo")
    bad = text.is_not_null() & value.is_null()
    checks = [_reason(bad, "bad_date"), _reason(value < pl.lit(MIN_DATE), "date_too_old")]
    if not col.future_ok:
        checks.insert(1, _reason(value > pl.lit(today), "future_date"))
    problems = pl.coalesce(checks)
    return value, problems


def _lookup(col: Column, mapping: dict[str, object], code: str) -> tuple[pl.Expr, pl.Expr]:
    text = _clean(col.name)
    if col.default is not None:
        text = text.fill_null(pl.lit(col.default))
    value = _norm(text).replace_strict(mapping, default=None)
    return value, _reason(text.is_not_null() & value.is_null(), code)


def _enum_mapping(col: Column) -> dict[str, object]:
    mapping: dict[str, object] = {normalise_text(a): a for a in col.allowed}
    for word, target in col.synonyms.items():
        mapping.setdefault(normalise_text(word), target)
    return mapping


def _bool_mapping() -> dict[str, object]:
    return {**{normalise_text(w): True for w in TRUE_WORDS},
            **{normalise_text(w): False for w in FALSE_WORDS}}  # fmt: skip


def normalise(
    frame: pl.DataFrame, contract: Contract, options: Options, pseudonymiser: Pseudonymiser
) -> pl.DataFrame:
    """Typed canonical columns + district/city codes + `_reason`, `_field` for every row."""
    factors = options.factors or {}
    if "_reader_field" not in frame.columns:
        frame = frame.with_columns(_reader_field=pl.lit(None, dtype=pl.String))
    present = set(frame.columns)
    for col in contract.columns:  # absent optional columns are simply null
        if col.name not in present:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(col.name))
    originals = _originals(frame, contract, pseudonymiser)
    values: dict[str, pl.Expr] = {}
    problems: list[tuple[str, pl.Expr]] = []  # (field, reason expr), evaluated stage by stage
    for col in contract.columns:
        if col.type in ("drop", "district", "city", "pii"):
            continue
        if col.type == "string":
            value = _clean(col.name)
            problem = _reason(value.str.len_chars() > MAX_TEXT, "text_too_long")
        elif col.type in ("int", "float"):
            value, problem = _number(col, factors.get(col.name, 1.0))
        elif col.type in ("date", "month"):
            value, problem = _date(col, options.today)
        elif col.type == "bool":
            value, problem = _lookup(col, _bool_mapping(), "bad_value")
        else:  # enum
            value, problem = _lookup(col, _enum_mapping(col), "bad_value")
        values[col.name] = value
        problems.append((col.name, problem))
    fields: list[str] = []
    typed = _stage(frame, values, problems, fields)
    problems = []
    typed = _resolve_geography(typed, contract, options.default_city, problems)
    typed = _stage(typed, {}, problems, fields)
    typed = _derive_prices(typed, contract, options.derive)
    problems = [
        (c.name, _reason(pl.col(c.name).is_null(), "missing_required"))
        for c in contract.columns
        if c.required
    ]
    typed = _stage(typed, {}, problems + _row_checks(contract), fields)
    typed = _flag(typed, fields)
    pii = [c for c in contract.columns if c.type == "pii"]
    typed = pseudonymiser.apply(typed, pii)
    typed = pseudonymiser.scrub_frame(
        typed, [c.name for c in contract.columns if c.type == "string"]
    )
    drop = [c.name for c in contract.columns if c.type == "drop"]
    return pl.concat([typed.drop(drop), originals], how="horizontal").with_columns(
        pl.col(c.output_name).alias(f"_raw_{c.name}") for c in pii
    )


def _originals(
    frame: pl.DataFrame, contract: Contract, pseudonymiser: Pseudonymiser
) -> pl.DataFrame:
    """What quarantine keeps of each row as received: never personal columns (hashed, phones
    gone), identity-shaped text in any column hashed, and in a structurally broken row (fields
    shifted, so any cell may hold a name) every value but a short number or a date hashed."""
    names = [c.name for c in contract.columns if c.type not in ("pii", "drop")]
    raw = pseudonymiser.scrub_frame(frame.select(names))
    broken = frame.get_column("_reader_error").is_not_null().arg_true()
    if broken.len():
        raw = raw.with_columns(
            raw.get_column(c).scatter(broken, [pseudonymiser.hide(v) for v in raw[c][broken]])
            for c in names
        )
    return raw.select(pl.col(c).alias(f"_raw_{c}") for c in names)


def _resolve_geography(
    typed: pl.DataFrame, contract: Contract, default_city: str, problems: list
) -> pl.DataFrame:
    cities = city_lookup()
    city_cols = [c for c in contract.columns if c.type == "city"]
    if city_cols:
        col = city_cols[0].name
        raw = _clean(col)
        code = _norm(raw).replace_strict(cities, default=None)
        typed = typed.with_columns(
            city_code=pl.when(raw.is_null()).then(pl.lit(default_city)).otherwise(code),
            _geo_city=_reason(raw.is_not_null() & code.is_null(), "unknown_city"),
        )
        problems.append((col, pl.col("_geo_city")))
    else:
        typed = typed.with_columns(city_code=pl.lit(default_city))
    district_cols = [c for c in contract.columns if c.type == "district"]
    if not district_cols:
        return typed
    col = district_cols[0].name
    lookup: dict[str, str] = {}
    names: dict[str, str] = {}
    for city in typed.get_column("city_code").drop_nulls().unique().to_list():
        gaz = gazetteer(city)
        if gaz is None:
            continue
        lookup.update({f"{city}|{k}": v for k, v in gaz.lookup.items()})
        names.update({d.code: d.name for d in gaz.districts})
    raw = _clean(col)
    key = pl.concat_str(pl.col("city_code"), pl.lit("|"), _norm(raw))
    code = key.replace_strict(lookup, default=None) if lookup else pl.lit(None, dtype=pl.String)
    has_gazetteer = pl.col("city_code").is_in(sorted({k.split("|")[0] for k in lookup}))
    typed = typed.with_columns(
        district_code=code,
        district_name=pl.when(has_gazetteer)
        .then(code.replace_strict(names, default=None))
        .otherwise(raw),
        _geo_district=_reason(
            raw.is_not_null() & has_gazetteer & code.is_null(), "unknown_district"
        ),
    ).with_columns(pl.col("district_name").alias(col))
    problems.append((col, pl.col("_geo_district")))
    return typed


def _derive_prices(
    typed: pl.DataFrame, contract: Contract, derive: tuple[str, ...]
) -> pl.DataFrame:
    """Unit price = total ÷ area when absent. Area or total only where a profile says the export
    leaves them out (Lianjia parking rows list no area): a missing required field stays missing.
    """
    if not {"area_sqm", "total_price_yuan", "unit_price_yuan_per_sqm"} <= set(contract.names):
        return typed
    area, total = pl.col("area_sqm"), pl.col("total_price_yuan")
    unit = pl.col("unit_price_yuan_per_sqm")
    if "area_sqm" in derive:
        typed = typed.with_columns(area_sqm=pl.coalesce(area, total / unit))
    if "total_price_yuan" in derive:
        typed = typed.with_columns(total_price_yuan=pl.coalesce(total, area * unit))
    return typed.with_columns(unit_price_yuan_per_sqm=pl.coalesce(unit, total / area))


def _row_checks(contract: Contract) -> list[tuple[str, pl.Expr]]:
    checks: list[tuple[str, pl.Expr]] = []
    for check in contract.checks:
        if "numerator" in check:
            ratio = pl.col(check["numerator"]) / pl.col(check["denominator"])
            bad = (ratio < check["min"]) | (ratio > check["max"])
            checks.append((check["numerator"], _reason(bad, check["code"])))
        else:
            bad = pl.col(check["later"]) < pl.col(check["earlier"])
            checks.append((check["later"], _reason(bad, check["code"])))
    return checks


def _stage(
    frame: pl.DataFrame,
    values: dict[str, pl.Expr],
    problems: list[tuple[str, pl.Expr]],
    fields: list[str],
) -> pl.DataFrame:
    """Evaluate values and their problems together, against the same input columns."""
    start = len(fields)
    fields.extend(name for name, _ in problems)
    named = {f"_p{start + i}": expr for i, (_, expr) in enumerate(problems)}
    return frame.with_columns(**values, **named)


def _flag(typed: pl.DataFrame, fields: list[str]) -> pl.DataFrame:
    """First problem wins: reader errors, then parsing, geography, required, row checks."""
    cols = [f"_p{i}" for i in range(len(fields))]
    field = pl.coalesce(
        [
            pl.when(pl.col(c).is_not_null()).then(pl.lit(f))
            for c, f in zip(cols, fields, strict=True)
        ]
    )
    return typed.with_columns(
        _reason=pl.coalesce([pl.col("_reader_error"), *map(pl.col, cols)]),
        _field=pl.when(pl.col("_reader_error").is_not_null())
        .then(pl.col("_reader_field"))
        .otherwise(field),
    ).drop(cols, "_reader_field", *[c for c in typed.columns if c.startswith("_geo_")])
