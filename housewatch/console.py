"""What every command writes through: the two consoles, the one-line failure, the progress bar."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ingest.pseudonymise import mask

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on stderr, identities masked, and the exit code (2: the user can fix it)."""
    err.print(f"[red]error:[/red] {escape(mask(message))}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def progress() -> Progress:
    """A progress bar on a terminal; nothing at all under cron or CI (stderr not a TTY)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
