"""Personal identifiers -> keyed hashes on the way in; phones are dropped by the contracts.

The key is created once per installation (HOUSEWATCH_HOME/secrets, or HOUSEWATCH_KEY_FILE) and
never stored in the warehouse, so hashes cannot be reversed by dictionary attack on ID numbers
without it, while the same buyer keeps the same hash across files and years.

Columns are not enough: a shifted row puts an ID number into a project name, a header row that is
really data puts one into a message. `scrub` finds anything shaped like an identity document or a
phone number in free text, whatever its column, and replaces it: documents by their keyed hash
(`[证件:<token>]`, so the same person still links), phones by a mask (`[电话]`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from pathlib import Path

import polars as pl

from ingest.schemas import Column

KEY_BYTES = 32


def load_or_create_key(path: Path) -> bytes:
    if path.exists():
        key = bytes.fromhex(path.read_text().strip())
        if len(key) != KEY_BYTES:
            raise ValueError(f"{path}: pseudonymisation key must be {KEY_BYTES} bytes of hex")
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key.hex())
    os.replace(tmp, path)
    return key


def canonical_identity(value: str) -> str:
    """ID numbers differ only by case, spaces and full-width forms between systems."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


_EDGE_L, _EDGE_R = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
_DATE8 = r"(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_DATE6 = r"[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
DOCUMENT_PATTERN = (
    _EDGE_L + r"(?:"
    r"[1-9][0-9]{5}" + _DATE8 + r"[0-9]{3}[0-9Xx]"  # 居民身份证 (GB 11643, 18 digits)
    r"|[1-9][0-9]{5}" + _DATE6 + r"[0-9]{3}"  # first-generation ID card (15 digits)
    r"|[EeGgDdSsPp][0-9]{8}|[Ee][A-Za-z][0-9]{7}"  # passports (普通/公务/外交)
    r"|[CcHhMm][0-9]{8}(?:[0-9]{2})?|[Cc][A-Za-z][0-9]{7}"  # 港澳通行证, 回乡证
    r")" + _EDGE_R
)
PHONE_PATTERN = (
    r"(?<![0-9])(?:"
    r"(?:\+?86[- ]?)?1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}"  # mobile
    r"|(?:\(0[0-9]{2,3}\)|0[0-9]{2,3}-)[0-9]{7,8}"  # landline with area code
    r")(?![0-9])"
)
_DOCUMENT = re.compile(DOCUMENT_PATTERN)
_SAFE_SHAPE = re.compile(
    r"^$|^-?[0-9]{1,6}(?:\.[0-9]+)?$|^[0-9]{4}[-/.年][0-9]{1,2}(?:[-/.月][0-9]{1,2}日?|月)?$"
)
_PHONE = re.compile(PHONE_PATTERN)
PHONE_MASK = "[电话]"
# polars' regex engine has no look-around: a loose screen for candidates, Python decides
_CANDIDATE = r"[0-9]{7}|[0-9]{3}[- ][0-9]{4}"


def looks_personal(text: str) -> bool:
    """True when `text` holds something shaped like an ID document or a phone number."""
    folded = unicodedata.normalize("NFKC", text)
    return bool(_DOCUMENT.search(folded) or _PHONE.search(folded))


def mask(text: str) -> str:
    """Keyless `Pseudonymiser.scrub` for what leaves the process (terminal, cron logs): documents
    and phones become `[证件]` and `[电话]`."""
    folded = unicodedata.normalize("NFKC", text)
    if not (_DOCUMENT.search(folded) or _PHONE.search(folded)):
        return text
    return _PHONE.sub(PHONE_MASK, _DOCUMENT.sub("[证件]", folded))


class Pseudonymiser:
    def __init__(self, key: bytes):
        self._key = key

    def token(self, value: str) -> str:
        digest = hmac.new(self._key, canonical_identity(value).encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def scrub(self, text: str | None) -> str | None:
        """`text` with identity documents hashed and phone numbers masked, wherever they stand."""
        if not text:
            return text
        folded = unicodedata.normalize("NFKC", text)
        if not (_DOCUMENT.search(folded) or _PHONE.search(folded)):
            return text
        hashed = _DOCUMENT.sub(lambda m: f"[证件:{self.token(m.group(0))[:16]}]", folded)
        return _PHONE.sub(PHONE_MASK, hashed)

    def hide(self, text: str | None) -> str | None:
        """A cell of a broken row: kept only when it cannot be personal (a short number, a date),
        else its keyed hash, so two quarantined rows can still be compared."""
        if text is None or _SAFE_SHAPE.match(text.strip()):
            return text
        return f"[隐去:{self.token(text)[:16]}]"

    def scrub_column(self, series: pl.Series) -> pl.Series:
        """`scrub` on a string column; vectorised search first, Python only for the hits."""
        if series.dtype != pl.String or series.len() == 0:
            return series
        folded = series.str.normalize("NFKC")
        hits = folded.str.contains(_CANDIDATE).fill_null(False)
        if not hits.any():
            return series
        return pl.Series(
            series.name,
            [self.scrub(v) if hit else v for v, hit in zip(series, hits, strict=True)],
            dtype=pl.String,
        )

    def scrub_frame(self, frame: pl.DataFrame, columns: list[str] | None = None) -> pl.DataFrame:
        """Every (or each named) string column of `frame` scrubbed."""
        names = columns if columns is not None else frame.columns
        return frame.with_columns(
            self.scrub_column(frame.get_column(c)) for c in names if frame.schema[c] == pl.String
        )

    def apply(self, frame: pl.DataFrame, columns: list[Column]) -> pl.DataFrame:
        """Replace each PII column by its keyed hash under the column's `becomes` name."""
        for col in columns:
            raw = frame.get_column(col.name).str.strip_chars()
            raw = pl.Series(col.name, [v if v else None for v in raw.to_list()], dtype=pl.String)
            uniques = raw.drop_nulls().unique().to_list()
            tokens = {v: self.token(v) for v in uniques}
            hashed = raw.replace_strict(tokens, default=None, return_dtype=pl.String)
            frame = frame.drop(col.name).with_columns(hashed.alias(col.output_name))
        return frame
