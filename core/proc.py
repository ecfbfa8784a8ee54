"""Child processes (dbt, Streamlit) that never outlive the command that started them.

Each child gets its own process group and, on Linux, a parent-death signal: when `housewatch`
is killed (even by SIGKILL, which it cannot catch) the kernel kills the child too, so no orphan
keeps the build database's DuckDB lock. SIGTERM and SIGINT sent to `housewatch` are passed on to
the child's whole group, and the command waits for it before it exits.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence

_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def _die_with_parent(parent: int) -> None:
    """Runs in the child between fork and exec (nothing here may allocate or take locks)."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def run(
    command: Sequence[str],
    env: dict[str, str] | None = None,
    pass_fds: Sequence[int] = (),
    capture: bool = False,
    on_line: Callable[[str], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `command` to its end as a child bound to this process (see module docstring).

    `on_line` sees each line of the child's output (stderr merged) as it comes: progress."""
    parent = os.getpid()
    capture = capture or on_line is not None
    child = subprocess.Popen(
        list(command),
        env=env,
        pass_fds=tuple(pass_fds),
        start_new_session=True,
        preexec_fn=lambda: _die_with_parent(parent),
        stdout=subprocess.PIPE if capture else None,
        stderr=(subprocess.STDOUT if on_line else subprocess.PIPE) if capture else None,
        text=True,
    )

    received: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        received.append(signum)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signum)

    previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    main_thread = _in_main_thread()
    if main_thread:
        for s in previous:
            signal.signal(s, forward)
    try:
        if on_line is not None:
            lines = []
            for line in child.stdout:  # type: ignore[union-attr]
                lines.append(line)
                on_line(line)
            child.wait()
            stdout, stderr = "".join(lines), ""
        else:
            stdout, stderr = child.communicate()
    finally:
        if main_thread:
            for s, handler in previous.items():
                signal.signal(s, handler)
        if child.poll() is None:  # an exception while waiting: never leave it running
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    if received:  # stop as the signal asked, now that the child is gone
        signal.raise_signal(received[0])
    return subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
