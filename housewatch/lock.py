"""One pipeline run at a time: a scheduled run and a manual one must never overlap."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout

from housewatch.errors import UserError
from housewatch.settings import Paths


@contextmanager
def pipeline_lock(paths: Paths, wait_seconds: float = 5.0) -> Iterator[None]:
    paths.home.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(paths.lock))
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout:
        raise UserError(f"another HouseWatch run holds {paths.lock}; try again later") from None
    try:
        yield
    finally:
        lock.release()
