"""The brief as an A4 PDF: WeasyPrint prints the same HTML (page numbers and the table of
contents come from its @page and target-counter CSS); fonts are embedded subsets of the CJK font."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from core.errors import UserError

CJK_FONT = "Noto Sans CJK SC"
CJK_PACKAGE = "fonts-noto-cjk"


def cjk_font_available() -> bool:
    """Whether fontconfig knows the CJK font the charts and the PDF name."""
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(
        ["fc-list", f":family={CJK_FONT}", "family"], capture_output=True, text=True, check=False
    )
    return CJK_FONT in listed.stdout


def require_cjk_font() -> None:
    """A brief never writes boxes: without the font it refuses before writing anything."""
    if not cjk_font_available():
        raise UserError(
            f"the brief needs the font {CJK_FONT!r} for its Chinese text (charts, PDF): "
            f"install it with apt-get install {CJK_PACKAGE} (or bash scripts/system-packages.sh)"
        )


def write_pdf(html: str, target: Path) -> None:
    """Print `html` to `target`; a UserError naming the missing Debian package without WeasyPrint's
    system libraries."""
    try:
        from weasyprint import HTML
    except OSError as exc:  # pango/harfbuzz missing
        raise UserError(f"PDF output needs WeasyPrint's system libraries (pango): {exc}") from None
    HTML(string=html, base_url=str(target.parent)).write_pdf(target)
