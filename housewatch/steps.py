"""Steps more than one command takes (load, generate, write a brief, serve): each prints what
an operator needs and raises UserError for the command to report."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rich.markup import escape

from core import proc
from core.errors import UserError
from core.settings import paths as home_paths
from housewatch.console import err, out, progress


def generate_sample(out_dir: Path, start: str, end: str, scale: float, seed: int) -> dict:
    from synthetic import generate

    with progress() as bar:
        task = bar.add_task("generating", total=None)

        def tick(label: str, done: int, total: int) -> None:
            bar.update(task, description=f"generating {label}", completed=done, total=total)

        try:
            return generate(out_dir, start=start, end=end, scale=scale, seed=seed, progress=tick)
        except ValueError as exc:
            raise UserError(str(exc)) from None


def load_files(
    inputs: list[Path],
    source: str | None,
    profile: str | None,
    verbose: bool,
    units: dict[str, str] | None = None,
) -> int:
    from ingest.pseudonymise import mask
    from pipeline.load import expand, load

    paths = home_paths()
    files = expand(inputs)
    with progress() as bar:
        task = bar.add_task("loading", total=len(files))

        rows = [0]

        def tick(batch) -> None:
            rows[0] += batch.read
            bar.update(task, advance=1, description=f"loading {batch.file_name} · {rows[0]:,} rows")

        report = load(
            inputs, paths, source=source, profile_name=profile, progress=tick, units=units
        )
    by_source: dict[str, list[int]] = {}
    for b in report.batches:
        if b.status == "loaded":
            acc = by_source.setdefault(b.source, [0, 0, 0, 0, 0, 0])
            for i, v in enumerate((1, b.read, b.loaded, b.quarantined, b.duplicates, b.blank_rows)):
                acc[i] += v
            if verbose:
                out.print(
                    f"{b.batch_id} {b.source:<8} {b.file_name}: read {b.read:,} = loaded "
                    f"{b.loaded:,} + quarantined {b.quarantined:,} + duplicates {b.duplicates:,}"
                    f" (blank rows {b.blank_rows:,}) {b.reasons or ''}",
                    highlight=False,
                )
    for src, (n, read, loaded, quar, dup, blank) in sorted(by_source.items()):
        out.print(
            f"{src:<24} {n:>4} file(s)  read {read:>9,} = loaded {loaded:>9,} + quarantined "
            f"{quar:>6,} + duplicates {dup:>6,}   blank rows {blank:,}",
            highlight=False,
        )
    for path, batch_id in report.skipped:
        if verbose or len(report.skipped) <= 5:
            out.print(f"already loaded as {batch_id}: {mask(path.name)}", highlight=False)
    if len(report.skipped) > 5 and not verbose:
        out.print(f"{len(report.skipped)} file(s) already loaded (no-op)")
    for b in report.rejected:
        err.print(f"[red]error:[/red] {escape(b.message or '')}", highlight=False, soft_wrap=True)
    return 1 if report.rejected else 0


def write_brief_files(period: str, formats: str, out_dir: Path | None) -> None:
    from app.brief.writer import parse_formats, write_brief

    result = write_brief(home_paths(), period, parse_formats(formats), out_dir)
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items())
    out.print(f"brief {result.period.key} written to {result.out_dir} ({timings})", highlight=False)
    for path in result.files:
        out.print(f"  {path.name}", highlight=False)


def serve(host: str, port: int) -> int:
    """Run the dashboard with Streamlit in the foreground; returns its exit code."""
    import app as app_package

    root = Path(app_package.__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root),
               os.environ.get("PYTHONPATH", "")])))  # fmt: skip
    env.setdefault("HOUSEWATCH_HOME", str(home_paths().home))
    command = [
        sys.executable, "-m", "streamlit", "run", str(root / "app" / "dashboard" / "main.py"),
        "--server.address", host, "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer",
    ]  # fmt: skip
    out.print(f"serving the dashboard on http://{host}:{port} (Ctrl-C to stop)", highlight=False)
    try:  # Streamlit dies with this process, and SIGTERM to it stops Streamlit first
        return proc.run(command, env=env).returncode
    except KeyboardInterrupt:
        return 0
