"""Personal identifiers -> keyed hashes on the way in; phones are dropped by the contracts.

The key is created once per installation (HOUSEWATCH_HOME/secrets, or HOUSEWATCH_KEY_FILE) and
never stored in the warehouse, so hashes cannot be reversed by dictionary attack on ID numbers
without it, while the same buyer keeps the same hash across files and years.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
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
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


class Pseudonymiser:
    def __init__(self, key: bytes):
        self._key = key

    def token(self, value: str) -> str:
        digest = hmac.new(self._key, canonical_identity(value).encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

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
