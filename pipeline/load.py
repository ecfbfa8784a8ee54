"""`housewatch load`: files -> landing Parquet + quarantine + ledger, one batch per file.

Every record read is accounted for: read = loaded + quarantined + duplicates (blank rows are
not records and are counted apart). A file is a batch; a batch lands whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from core.errors import UserError
from core.faults import crash_point
from core.lock import pipeline_lock
from core.settings import Paths
from ingest import landing
from ingest.headers import HeaderMapping, detect_source, map_headers
from ingest.ledger import Batch, Ledger
from ingest.normalise import Options, normalise
from ingest.profiles import Profile, apply_profile, detect_profile, header_recogniser, profile
from ingest.pseudonymise import Pseudonymiser, load_or_create_key
from ingest.readers import SUFFIXES, RawTable, read_table, scoped_errors
from ingest.schemas import Contract, contract, contracts

Progress = Callable[[Batch], None]


@dataclass
class LoadReport:
    batches: list[Batch]
    skipped: list[tuple[Path, str]]  # (file, batch id it was already loaded as)

    @property
    def rejected(self) -> list[Batch]:
        return [b for b in self.batches if b.status == "rejected"]


WALKED_SUFFIXES = set(SUFFIXES) - {".txt"}  # a folder's .txt files are notes, not exports


def expand(paths: list[Path]) -> list[Path]:
    """Files to load: explicit files as given, directories walked in name order (months sort)."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(_walk(p))
        elif p.exists():
            files.append(p)
        else:
            raise UserError(f"{p}: no such file or directory")
    return files


def _walk(folder: Path) -> list[Path]:
    """The exports under `folder`, skipping hidden entries. A symbolic link is followed only
    within the folder: one leading out (or nowhere) is refused, since loading it would read a
    file nobody put in the folder; one to a file also in the folder is that file once."""
    root = folder.resolve()
    found: dict[Path, Path] = {}  # resolved -> as walked
    for entry in sorted(folder.rglob("*")):  # rglob does not descend into linked folders
        rel = entry.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        loadable = entry.suffix.lower() in WALKED_SUFFIXES
        if entry.is_symlink() and (loadable or entry.is_dir()):
            target = entry.resolve()
            if not target.is_relative_to(root):
                raise UserError(
                    f"{entry}: a symbolic link to {target}, outside {folder}; not followed"
                    " (copy the file into the folder, or name it on the command line)"
                )
            if not target.exists():
                raise UserError(f"{entry}: a symbolic link to {target}, which does not exist")
        if loadable and entry.is_file():
            found.setdefault(entry.resolve(), entry)
    return sorted(found.values())


def _resolve(
    table: RawTable,
    source: str | None,
    profile_name: str | None,
    units: dict[str, str] | None = None,
) -> tuple[Contract, Profile | None, pl.DataFrame, dict[str, float], HeaderMapping | None]:
    where = table.path.name
    prof = profile(profile_name) if profile_name else None
    if prof is None and source is None:
        prof = detect_profile(table.headers)
    if prof is not None:
        if source and source != prof.source:
            raise UserError(f"{where}: profile {prof.name} is for {prof.source}, not {source}")
        frame, factors = apply_profile(table, prof)
        return prof.contract(), prof, frame, factors, None
    src = source or detect_source(table.headers, where)
    target = contract(src)
    mapping = map_headers(table.headers, target, where, declared_units=units)
    missing = mapping.missing_required()
    if missing:
        names = ", ".join(f"{c.name} ({c.zh})" for c in missing)
        raise UserError(f"{where}: required column(s) missing for {src}: {names}")
    index = {h: f"c{i}" for i, h in enumerate(table.headers)}
    names = {index[m.header]: m.column.name for m in mapping.columns}
    used = {index[m.header] for m in mapping.columns if m.column.type != "drop"}
    frame = table.frame.select(
        "_row",
        *scoped_errors(names, used),
        *[pl.col(index[m.header]).alias(m.column.name) for m in mapping.columns],
    )
    factors = {m.column.name: m.factor for m in mapping.columns}
    return target, None, frame, factors, mapping


def _record_hash(frame: pl.DataFrame, columns: list[str]) -> pl.Series:
    joined = frame.select(
        pl.concat_str(
            [pl.col(c).cast(pl.String).fill_null("\x00") for c in columns], separator="\x1f"
        )
    ).to_series()
    return pl.Series(
        "_record_hash",
        [hashlib.blake2b(v.encode(), digest_size=16).hexdigest() for v in joined.to_list()],
        dtype=pl.String,
    )


def _quarantine_frame(rows: pl.DataFrame, batch: Batch, target: Contract) -> pl.DataFrame:
    raw_cols = [c for c in rows.columns if c.startswith("_raw_")]
    original = pl.struct([pl.col(c).alias(c.removeprefix("_raw_")) for c in raw_cols])
    return rows.select(
        pl.lit(batch.batch_id).alias("batch_id"),
        pl.lit(batch.file_name).alias("file_name"),
        pl.lit(target.source).alias("source"),
        pl.col("_row").alias("row"),
        pl.col("_reason").alias("reason_code"),
        pl.col("_field").alias("field"),
        original.struct.json_encode().alias("original"),
    )


def _landing_frame(
    rows: pl.DataFrame, batch: Batch, target: Contract, loaded_at: dt.datetime
) -> pl.DataFrame:
    period = target.period_column
    frame = rows.with_columns(
        _batch_id=pl.lit(batch.batch_id),
        _loaded_at=pl.lit(loaded_at),
        **({"period_month": pl.col(period).dt.truncate("1mo")} if period else {}),
    )
    schema = landing.landing_schema(target)
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schema.items())


def load_file(
    path: Path,
    paths: Paths,
    ledger: Ledger,
    pseudonymiser: Pseudonymiser,
    versions: dict[str, pl.DataFrame],
    source: str | None = None,
    profile_name: str | None = None,
    units: dict[str, str] | None = None,
) -> Batch | tuple[Path, str]:
    data = path.read_bytes()
    content_hash = hashlib.sha256(data).hexdigest()
    earlier = ledger.loaded_hash(content_hash)
    if earlier:
        return (path, earlier)
    batch = ledger.begin(path, content_hash, len(data))
    started = time.perf_counter()
    try:
        table = read_table(path, header_recogniser())
        crash_point("read")
        batch.format, batch.encoding, batch.blank_rows = (
            table.format,
            table.encoding,
            table.blank_rows,
        )
        target, prof, frame, factors, mapping = _resolve(table, source, profile_name, units)
        batch.source, batch.profile = target.source, prof.name if prof else None
        batch.unknown_columns = list(mapping.unknown) if mapping else []
        derive = prof.derive if prof else ()
        options = Options(today=dt.date.today(), factors=factors, derive=derive)
        typed = normalise(frame, target, options, pseudonymiser)
    except UserError as exc:
        batch.status, batch.message = "rejected", str(exc)
        batch.seconds = time.perf_counter() - started
        ledger.finish(batch)
        return batch
    batch.read = typed.height
    bad = typed.filter(pl.col("_reason").is_not_null())
    good = typed.filter(pl.col("_reason").is_null())
    value_cols = [c.output_name for c in target.columns if c.type not in ("drop", "city")]
    value_cols.append("city_code")
    good = good.with_columns(_record_hash(good, value_cols))
    key = list(target.key)
    if target.source not in versions:
        versions[target.source] = landing.current_versions(paths, target)
    current = versions[target.source]
    # exact repeats within the file, then repeats of each key's current version, are duplicates:
    # A -> B -> A loads the third A as a new version, A -> B -> B does not
    first = good.filter(good.get_column("_record_hash").is_first_distinct())
    fresh = first.join(current, on=[*key, "_record_hash"], how="anti", nulls_equal=True)
    # the same key twice in one file with different values: the file contradicts itself
    key_first = fresh.select(pl.struct(key).is_first_distinct()).to_series()
    conflicts = fresh.filter(~key_first).with_columns(
        _reason=pl.lit("duplicate_key_conflict"), _field=pl.lit(",".join(key))
    )
    fresh = fresh.filter(key_first)
    quarantined = pl.concat([bad, conflicts.drop("_record_hash")], how="vertical_relaxed")
    batch.loaded, batch.quarantined = fresh.height, quarantined.height
    batch.duplicates = batch.read - batch.loaded - batch.quarantined
    batch.reasons = dict(quarantined.group_by("_reason").len().sort("_reason").iter_rows())
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    moves = landing.stage_batch(
        paths,
        target.source,
        batch.batch_id,
        _landing_frame(fresh, batch, target, loaded_at),
        _quarantine_frame(quarantined.sort("_row"), batch, target),
    )
    crash_point("staged")
    landing.publish(moves)
    crash_point("landed")
    batch.status = "loaded"
    batch.seconds = time.perf_counter() - started
    ledger.finish(batch)
    crash_point("committed")
    versions[target.source] = landing.newest(current, fresh.select(*key, "_record_hash"), key)
    return batch


def load(
    inputs: list[Path],
    paths: Paths,
    source: str | None = None,
    profile_name: str | None = None,
    progress: Progress | None = None,
    units: dict[str, str] | None = None,
) -> LoadReport:
    """Load every file under `inputs`; reading errors reject that file only.

    `units` declares the unit of columns whose headers carry none ({"total_price_yuan": "万元"}).
    """
    if source:
        contract(source)  # fail fast on a typo
    files = expand(inputs)
    with pipeline_lock(paths):
        pseudonymiser = Pseudonymiser(load_or_create_key(paths.pseudonym_key))
        ledger = Ledger(paths.ledger, scrub=pseudonymiser.scrub)
        ledger.mark_interrupted()
        landing.recover(paths, ledger.loaded_ids())
        landing.ensure_empty_partitions(paths, list(contracts().values()))
        report = LoadReport([], [])
        versions: dict[str, pl.DataFrame] = {}  # source -> key + hash of current versions
        for path in files:
            result = load_file(
                path, paths, ledger, pseudonymiser, versions, source, profile_name, units
            )
            if isinstance(result, tuple):
                report.skipped.append(result)
            else:
                report.batches.append(result)
                if progress:
                    progress(result)
        return report
