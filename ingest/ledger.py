"""The batch ledger: one row per file load attempt, in SQLite so that a status query never waits
on the warehouse and a crash never leaves a half-written row (each change is one transaction)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

SCHEMA = """
create table if not exists batches (
    seq            integer primary key autoincrement,
    batch_id       text unique,
    file           text not null,
    file_name      text not null,
    content_hash   text not null,
    size_bytes     integer,
    source         text,
    profile        text,
    format         text,
    encoding       text,
    read           integer default 0,
    loaded         integer default 0,
    quarantined    integer default 0,
    duplicates     integer default 0,
    blank_rows     integer default 0,
    reasons        text default '{}',
    unknown_columns text default '[]',
    status         text not null,
    message        text,
    started_at     text not null,
    finished_at    text,
    seconds        real
);
create index if not exists batches_hash on batches (content_hash, status);
"""


@dataclass
class Batch:
    batch_id: str
    file: str
    file_name: str
    content_hash: str
    size_bytes: int
    source: str | None = None
    profile: str | None = None
    format: str | None = None
    encoding: str | None = None
    read: int = 0
    loaded: int = 0
    quarantined: int = 0
    duplicates: int = 0
    blank_rows: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    unknown_columns: list[str] = field(default_factory=list)
    status: str = "loading"
    message: str | None = None
    started_at: str = ""
    finished_at: str | None = None
    seconds: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


INTERRUPTED = "interrupted before commit; its files are removed by the next load or build"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Ledger:
    """`scrub` is applied to every text the ledger writes (paths, messages, header names): a file
    named after a buyer or a data row taken for a header must not put an ID number in clear."""

    def __init__(self, path: Path, scrub: Callable[[str], str | None] | None = None):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._scrub = scrub or (lambda text: text)
        with self._connect() as con:
            con.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=30)
        con.row_factory = sqlite3.Row
        try:
            with con:
                yield con
        finally:
            con.close()

    def loaded_hash(self, content_hash: str) -> str | None:
        """Batch id of an earlier successful load of the same bytes."""
        with self._connect() as con:
            row = con.execute(
                "select batch_id from batches where content_hash = ? and status = 'loaded'",
                (content_hash,),
            ).fetchone()
        return row["batch_id"] if row else None

    def begin(self, file: Path, content_hash: str, size: int) -> Batch:
        started = _now()
        # the absolute, resolved path: a relative one means nothing once the shell has moved on
        name, where = self._scrub(file.name) or "", self._scrub(str(file.resolve())) or ""
        with self._connect() as con:
            cur = con.execute(
                "insert into batches (file, file_name, content_hash, size_bytes, status,"
                " started_at) values (?, ?, ?, ?, 'loading', ?)",
                (where, name, content_hash, size, started),
            )
            seq = cur.lastrowid
            batch_id = f"b{seq:07d}"
            con.execute("update batches set batch_id = ? where seq = ?", (batch_id, seq))
        return Batch(batch_id, where, name, content_hash, size, started_at=started)

    def finish(self, batch: Batch) -> None:
        batch.finished_at = _now()
        batch.message = self._scrub(batch.message) if batch.message else batch.message
        batch.unknown_columns = [self._scrub(c) or "" for c in batch.unknown_columns]
        with self._connect() as con:
            con.execute(
                """update batches set source=?, profile=?, format=?, encoding=?, read=?, loaded=?,
                   quarantined=?, duplicates=?, blank_rows=?, reasons=?, unknown_columns=?,
                   status=?, message=?, finished_at=?, seconds=? where batch_id=?""",
                (
                    batch.source, batch.profile, batch.format, batch.encoding, batch.read,
                    batch.loaded, batch.quarantined, batch.duplicates, batch.blank_rows,
                    json.dumps(batch.reasons, ensure_ascii=False),
                    json.dumps(batch.unknown_columns, ensure_ascii=False),
                    batch.status, batch.message, batch.finished_at, batch.seconds,
                    batch.batch_id,
                ),
            )  # fmt: skip

    def mark_interrupted(self) -> list[str]:
        """Loads that never finished (killed) become 'failed'; returns their batch ids."""
        with self._connect() as con:
            ids = [r["batch_id"] for r in con.execute(
                "select batch_id from batches where status = 'loading'")]  # fmt: skip
            con.execute(
                "update batches set status='failed', message=?, finished_at=?"
                " where status='loading'",
                (INTERRUPTED, _now()),
            )
        return ids

    def loaded_ids(self) -> set[str]:
        with self._connect() as con:
            rows = con.execute("select batch_id from batches where status = 'loaded'")
            return {r["batch_id"] for r in rows}

    def batches(self) -> list[Batch]:
        with self._connect() as con:
            rows = con.execute("select * from batches order by seq").fetchall()
        out = []
        for r in rows:
            d = dict(r)
            d.pop("seq")
            d["reasons"] = json.loads(d["reasons"] or "{}")
            d["unknown_columns"] = json.loads(d["unknown_columns"] or "[]")
            out.append(Batch(**d))
        return out
