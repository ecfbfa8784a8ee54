"""The brief as an A4 PDF: WeasyPrint prints the same HTML (page numbers and the table of
contents come from its @page and target-counter CSS); fonts are embedded subsets of the CJK font."""

from __future__ import annotations

from pathlib import Path

from housewatch.errors import UserError

CJK_FONT = "Noto Sans CJK SC"


def write_pdf(html: str, target: Path) -> None:
    """Print `html` to `target`; a UserError naming the missing Debian package without WeasyPrint's
    system libraries."""
    try:
        from weasyprint import HTML
    except OSError as exc:  # pango/harfbuzz missing
        raise UserError(f"PDF output needs WeasyPrint's system libraries (pango): {exc}") from None
    HTML(string=html, base_url=str(target.parent)).write_pdf(target)
