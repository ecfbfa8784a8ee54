"""Landing Parquet: one directory per source, one hive partition per batch (`batch_id=...`).

A batch is written under a temporary name and renamed into place only after it is complete;
the ledger commit that follows makes it official. Anything a crash leaves behind (temporary
directories, a renamed batch the ledger never committed) is removed by `recover`.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import polars as pl

from core.settings import Paths
from ingest.ledger import Ledger
from ingest.schemas import Contract, fact_sources

LEDGER_EXPORT = "_ledger/batches.parquet"  # under landing; read by the dbt source ledger_batches
BATCH_MONTHS_EXPORT = "_ledger/batch_months.parquet"  # dbt source ledger_batch_months
SOURCES_EXPORT = "_registry/sources.parquet"  # dbt source registry_sources
EMPTY_BATCH = "empty"  # a zero-row partition per source so readers always find the schema
_DTYPES: dict[str, pl.DataType] = {
    "string": pl.String(), "enum": pl.String(), "district": pl.String(), "pii": pl.String(),
    "int": pl.Int64(), "float": pl.Float64(), "date": pl.Date(), "month": pl.Date(),
    "bool": pl.Boolean(),
}  # fmt: skip


def landing_schema(contract: Contract) -> dict[str, pl.DataType]:
    """The one schema every batch of a source is written with (and read back as)."""
    schema: dict[str, pl.DataType] = {}
    for col in contract.columns:
        if col.type in ("drop", "city"):
            continue
        schema[col.output_name] = _DTYPES[col.type]
        if col.type == "district":
            schema["district_code"] = pl.String()
    schema["city_code"] = pl.String()
    if contract.period_column and contract.period_column != "period_month":
        schema["period_month"] = pl.Date()
    schema |= {"_row": pl.Int64(), "_record_hash": pl.String(), "_batch_id": pl.String(),
               "_loaded_at": pl.Datetime("us")}  # fmt: skip
    return schema


def ensure_empty_partitions(paths: Paths, contracts: list[Contract]) -> None:
    """Write each source's zero-row partition once, so a source with no data yet still reads."""
    for c in contracts:
        final = batch_dir(paths, c.source, EMPTY_BATCH) / "data.parquet"
        if not final.exists():
            os.replace(_write_atomic(pl.DataFrame(schema=landing_schema(c)), final), final)


def batch_dir(paths: Paths, source: str, batch_id: str) -> Path:
    return paths.landing / source / f"batch_id={batch_id}"


def quarantine_file(paths: Paths, batch_id: str) -> Path:
    return paths.quarantine / f"{batch_id}.parquet"


def _write_atomic(frame: pl.DataFrame, final: Path) -> Path:
    """Write to a temporary sibling and fsync; return the temporary path (caller renames)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".tmp-{final.name}"
    frame.write_parquet(tmp, compression="zstd", statistics=True)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    return tmp


def stage_batch(
    paths: Paths, source: str, batch_id: str, loaded: pl.DataFrame, quarantined: pl.DataFrame
) -> list[tuple[Path, Path]]:
    """Write both files under temporary names; returns (tmp, final) pairs to publish."""
    moves: list[tuple[Path, Path]] = []
    final_dir = batch_dir(paths, source, batch_id)
    tmp_dir = final_dir.parent / f".tmp-{final_dir.name}"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    loaded.write_parquet(tmp_dir / "data.parquet", compression="zstd", statistics=True)
    moves.append((tmp_dir, final_dir))
    if quarantined.height:
        final_q = quarantine_file(paths, batch_id)
        moves.append((_write_atomic(quarantined, final_q), final_q))
    return moves


def publish(moves: list[tuple[Path, Path]]) -> None:
    for tmp, final in moves:
        os.replace(tmp, final)


def recover(paths: Paths, committed: set[str]) -> list[Path]:
    """Remove temporary files and batches the ledger never committed; returns what was removed."""
    removed: list[Path] = []
    for root in (paths.landing, paths.quarantine):
        if not root.exists():
            continue
        for p in list(root.glob(".tmp-*")) + list(root.glob("*/.tmp-*")):
            shutil.rmtree(p) if p.is_dir() else p.unlink()
            removed.append(p)
    if paths.landing.exists():
        for p in paths.landing.glob("*/batch_id=*"):
            if p.name.removeprefix("batch_id=") not in committed | {EMPTY_BATCH}:
                shutil.rmtree(p)
                removed.append(p)
    if paths.quarantine.exists():
        for p in paths.quarantine.glob("b*.parquet"):
            if p.stem not in committed:
                p.unlink()
                removed.append(p)
    return removed


def partition_files(paths: Paths, source: str, batches: set[str] | None = None) -> list[Path]:
    """The data files of a source's batch partitions in batch order (only `batches` if given)."""
    files = sorted((paths.landing / source).glob("batch_id=*/data.parquet"))
    if batches is None:
        return files
    return [f for f in files if f.parent.name.removeprefix("batch_id=") in batches]


def current_versions(paths: Paths, contract: Contract) -> pl.DataFrame:
    """Key + record hash of each record's current version: the latest batch, then the latest row
    in it, wins (as in dbt's latest_version), so versions follow the order files were loaded."""
    key = list(contract.key)
    schema = landing_schema(contract)
    files = partition_files(paths, contract.source)
    if not files:
        return pl.DataFrame(schema={c: schema[c] for c in [*key, "_record_hash"]})
    return (
        pl.scan_parquet(files, hive_partitioning=False)
        .select(*key, "_record_hash", "_batch_id", "_row")
        .sort("_batch_id", "_row")
        .unique(subset=key, keep="last")
        .select(*key, "_record_hash")
        .collect()
    )


def newest(current: pl.DataFrame, loaded: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """`current` after a batch whose `loaded` rows became the current versions of their keys."""
    if loaded.height == 0:
        return current
    return pl.concat([current, loaded.cast(current.schema)]).unique(
        subset=key, keep="last", maintain_order=True
    )


_LEDGER_SCHEMA: dict[str, pl.DataType] = {
    "batch_id": pl.String(), "file": pl.String(), "file_name": pl.String(),
    "content_hash": pl.String(), "size_bytes": pl.Int64(), "source": pl.String(),
    "profile": pl.String(), "format": pl.String(), "encoding": pl.String(), "read": pl.Int64(),
    "loaded": pl.Int64(), "quarantined": pl.Int64(), "duplicates": pl.Int64(),
    "blank_rows": pl.Int64(), "reasons": pl.String(), "status": pl.String(),
    "message": pl.String(), "started_at": pl.String(), "finished_at": pl.String(),
}  # fmt: skip


def ledger_export_file(paths: Paths) -> Path:
    return paths.landing / LEDGER_EXPORT


def export_ledger(paths: Paths) -> Path:
    """Snapshot the batch ledger as Parquet under landing, so the warehouse can account for what
    was read, loaded and quarantined per file without opening the SQLite file the loader writes.

    Every batch is exported (rejected and failed ones too); `reasons` stays a JSON object. The
    source registry (from the contracts) and each committed batch's records per period month
    are exported beside it, so the data-quality marts name no source themselves.
    """
    batches = Ledger(paths.ledger).batches() if paths.ledger.exists() else []
    export_sources(paths)
    export_batch_months(paths, {b.batch_id for b in batches if b.status == "loaded"})
    rows = [
        {k: v for k, v in b.to_dict().items() if k in _LEDGER_SCHEMA}
        | {"reasons": json.dumps(b.reasons, ensure_ascii=False, sort_keys=True)}
        for b in batches
    ]
    frame = pl.DataFrame(rows, schema=_LEDGER_SCHEMA)
    final = ledger_export_file(paths)
    os.replace(_write_atomic(frame, final), final)
    return final


_SOURCES_SCHEMA: dict[str, pl.DataType] = {
    "data_source": pl.String(), "name_zh": pl.String(), "name_en": pl.String(),
    "expected_cadence": pl.String(), "affects_zh": pl.String(), "affects_en": pl.String(),
    "valid_from": pl.Date(), "valid_to": pl.Date(), "source": pl.String(),
}  # fmt: skip
_BATCH_MONTHS_SCHEMA: dict[str, pl.DataType] = {
    "data_source": pl.String(), "batch_id": pl.String(), "period_month": pl.Date(),
    "records_landed": pl.Int64(),
}  # fmt: skip


def export_sources(paths: Paths) -> Path:
    """The source registry as the warehouse reads it: one row per fact contract × expectation
    period (the contract's `delivery` block; name_zh is the contract's title)."""
    rows = [
        {
            "data_source": c.source,
            "name_zh": c.title_zh,
            "name_en": c.delivery.name_en,
            "expected_cadence": e.cadence,
            "affects_zh": c.delivery.affects_zh,
            "affects_en": c.delivery.affects_en,
            "valid_from": e.valid_from,
            "valid_to": e.valid_to,
            "source": e.source,
        }
        for c in fact_sources()
        for e in c.delivery.expectations
    ]
    final = paths.landing / SOURCES_EXPORT
    os.replace(_write_atomic(pl.DataFrame(rows, schema=_SOURCES_SCHEMA), final), final)
    return final


def export_batch_months(paths: Paths, committed: set[str]) -> Path:
    """Records each committed batch landed per period month, for every fact source with a period:
    every version counts (a file is judged by what it delivered); rows without a month are left
    out. Batches the ledger never committed are invisible, as in the staging models."""
    frames = []
    for c in fact_sources():
        if c.period_column is None:
            continue
        files = partition_files(paths, c.source, committed)
        if not files:
            continue
        frames.append(
            pl.scan_parquet(files, hive_partitioning=False)
            .select(pl.col("_batch_id").alias("batch_id"), pl.col("period_month").cast(pl.Date))
            .filter(pl.col("period_month").is_not_null())
            .group_by("batch_id", "period_month")
            .agg(pl.len().cast(pl.Int64).alias("records_landed"))
            .select(
                pl.lit(c.source).alias("data_source"), "batch_id", "period_month", "records_landed"
            )
            .collect()
        )
    frame = pl.concat(frames) if frames else pl.DataFrame(schema=_BATCH_MONTHS_SCHEMA)
    frame = frame.cast(_BATCH_MONTHS_SCHEMA).sort("data_source", "batch_id", "period_month")
    final = paths.landing / BATCH_MONTHS_EXPORT
    os.replace(_write_atomic(frame, final), final)
    return final
