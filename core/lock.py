"""One pipeline run at a time: a scheduled run and a manual one must never overlap.

An flock on HOUSEWATCH_HOME/pipeline.lock. The lock belongs to the open file, not the process:
children started with `Lock.fd` in their pass_fds (dbt) hold it too, so a killed parent does not
free it while its child still writes the build database. The file names the holder (pid, command,
start) so the next run can say who holds it, and whether that holder is still alive.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from core.errors import UserError
from core.settings import Paths


@dataclass(frozen=True)
class Lock:
    fd: int  # pass to children (subprocess pass_fds) so they hold the lock too


def _holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        info = json.loads(os.read(fd, 4096).decode() or "{}")
    except (OSError, ValueError):
        return ""
    pid = info.get("pid")
    if not isinstance(pid, int):
        return ""
    alive = os.path.exists(f"/proc/{pid}") if os.path.isdir("/proc") else True
    what = f"pid {pid}, {info.get('command', '?')}, since {info.get('started', '?')}"
    if alive:
        return f" ({what})"
    return f" (its starter, {what}, is gone: a leftover child of it still runs)"


def _acquire(fd: int, wait_seconds: float) -> bool:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


@contextmanager
def pipeline_lock(paths: Paths, wait_seconds: float = 5.0) -> Iterator[Lock]:
    paths.home.mkdir(parents=True, exist_ok=True)
    fd = os.open(paths.lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _acquire(fd, wait_seconds):
            raise UserError(
                f"another HouseWatch run holds {paths.lock}{_holder(fd)}; try again later"
            )
        stamp = {
            "pid": os.getpid(),
            "command": " ".join(["housewatch", *sys.argv[1:2]]),
            "started": dt.datetime.now().isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(stamp).encode(), 0)
        try:
            yield Lock(fd)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def pipeline_busy(paths: Paths) -> bool:
    """Whether a run (or a child of one) holds the lock now; takes and frees it if not."""
    if not paths.lock.exists():
        return False
    fd = os.open(paths.lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)
