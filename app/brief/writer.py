"""`housewatch brief` and `housewatch run`: write a period's brief, all or nothing.

Files are written into a temporary folder beside the target and renamed into place at the end,
so a failure (no data, a future period, a crash mid-PDF) never leaves half a brief behind.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from app.brief.data import connect, latest_complete_month, load_brief
from app.brief.periods import Period, check_not_future, parse_period
from core.errors import UserError
from core.settings import Paths

FORMATS = ("html", "pdf", "md")


@dataclass
class BriefResult:
    period: Period
    out_dir: Path
    files: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def parse_formats(text: str) -> list[str]:
    """`html,pdf,md` → the formats in that order; a UserError for anything else."""
    chosen = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise UserError(
            f"--format {text!r}: expected a comma-separated list of {', '.join(FORMATS)}"
        )
    return list(dict.fromkeys(chosen))


def file_name(period: Period, fmt: str) -> str:
    return f"brief-{period.key}.{fmt}"


def write_brief(
    paths: Paths,
    period_text: str,
    formats: list[str] | tuple[str, ...] = FORMATS,
    out_dir: Path | None = None,
    today: dt.date | None = None,
) -> BriefResult:
    """Render the brief of `period_text` into `out_dir` (default reports/<period>/)."""
    period = parse_period(period_text)
    check_not_future(period, today)
    if {"html", "pdf"} & set(formats):  # charts and PDF text are set in the CJK font
        from app.brief.pdf import require_cjk_font

        require_cjk_font()
    out = Path(out_dir) if out_dir else paths.reports / period.key
    result = BriefResult(period, out)
    clock = time.perf_counter()
    con = connect(paths.home)
    try:
        data = load_brief(con, period)
    finally:
        con.close()
    result.seconds["data"] = time.perf_counter() - clock

    from app.brief.render import render_html

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        clock = time.perf_counter()
        html = render_html(data)
        result.seconds["html"] = time.perf_counter() - clock
        if "html" in formats:
            (staging / file_name(period, "html")).write_text(html, encoding="utf-8")
        if "pdf" in formats:
            from app.brief.pdf import write_pdf

            clock = time.perf_counter()
            write_pdf(html, staging / file_name(period, "pdf"))
            result.seconds["pdf"] = time.perf_counter() - clock
        if "md" in formats:
            from app.brief.markdown import render_markdown

            text = render_markdown(data)
            (staging / file_name(period, "md")).write_text(text, encoding="utf-8")
        _swap_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.files = [out / file_name(period, f) for f in formats]
    return result


def _swap_into_place(staging: Path, out: Path) -> None:
    """Replace `out` by the finished staging folder (renames only; the old one goes last)."""
    os.chmod(staging, 0o755)
    if not out.exists():
        os.replace(staging, out)
        return
    if not out.is_dir():
        raise UserError(f"--out {out} exists and is not a folder")
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.replace(out, old)
    os.replace(staging, out)
    shutil.rmtree(old, ignore_errors=True)


def latest_period(paths: Paths, today: dt.date | None = None) -> str:
    """The latest complete month the warehouse holds, as `YYYY-MM`."""
    today = today or dt.date.today()
    con = connect(paths.home)
    try:
        month = latest_complete_month(con, today)
    finally:
        con.close()
    if month is None:
        raise UserError("no complete month in the warehouse: load data and run housewatch build")
    return f"{month:%Y-%m}"
