"""Text files -> lines, decoded one line at a time, so a few stray bytes quarantine their rows
instead of garbling or rejecting the whole file.

The file's encoding is the one most of its non-ASCII lines decode in (UTF-8 first, then GB18030,
a superset of GBK); a line that decodes only in the other one, or in neither, is a bad line. A
GBK line can also carry pasted UTF-8 text that GB18030 happily decodes into mojibake (融创 ->
铻嶅垱): such a line is bad too, recognised by a run of UTF-8 Chinese whose GB18030 reading leaves
GB2312 (the characters real GBK exports are written in).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from core.errors import UserError

_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
# two or more UTF-8 encoded characters of the three-byte range (Chinese, ㎡, full-width forms)
_UTF8_RUN = re.compile(rb"(?:[\xe0-\xef][\x80-\xbf]{2}){2,}")


@dataclass
class DecodedLines:
    """`lines` (1-based line n is lines[n - 1]) without their line breaks; `bad` maps the line
    number of each line that did not decode cleanly in `encoding` to a short reason."""

    lines: list[str]
    encoding: str
    bad: dict[int, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _undecodable(where: str, line_no: int, offset: int, byte: int) -> UserError:
    return UserError(
        f"{where} line {line_no}: cannot decode as UTF-8 or GBK/GB18030 "
        f"(byte 0x{byte:02x} at offset {offset})"
    )


def _error_start(raw: bytes, codec: str) -> int:
    try:
        raw.decode(codec)
    except UnicodeDecodeError as exc:
        return exc.start
    return len(raw)


def _mojibake(raw: bytes, text: str) -> bool:
    """True when GB18030 `text` (decoded from `raw`) reads a run of UTF-8 Chinese as characters
    outside GB2312: UTF-8 pasted into a GBK line."""
    try:  # nearly every GBK line: all of it is GB2312
        text.encode("gb2312")
    except UnicodeEncodeError:
        pass
    else:
        return False
    runs = [m.span() for m in _UTF8_RUN.finditer(raw)]
    if not runs:
        return False
    pos = 0
    for ch in text:
        end = pos + len(ch.encode("gb18030"))
        if ord(ch) > 0x7F and any(pos < r_end and end > r_start for r_start, r_end in runs):
            try:
                ch.encode("gb2312")
            except UnicodeEncodeError:
                return any(_chinese(raw[s:e]) for s, e in runs if s < end and e > pos)
        pos = end
    return False


def _chinese(raw: bytes) -> bool:
    """UTF-8 that reads as common Chinese (GB2312), as pasted text does; GBK bytes that only
    happen to be valid UTF-8 read as arbitrary rare characters."""
    try:
        raw.decode("utf-8").encode("gb2312")
    except UnicodeError:
        return False
    return True


def _classify(raw: bytes) -> tuple[str, str | None]:
    """(kind, text): ascii, utf-8, gb18030, mojibake (GB18030 text holding UTF-8) or neither."""
    if raw.isascii():
        return "ascii", raw.decode("ascii")
    try:
        return "utf-8", raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return "neither", None
    return ("mojibake" if _mojibake(raw, text) else "gb18030"), text


def decode_lines(data: bytes, where: str) -> DecodedLines:
    """Split `data` at line breaks and decode each line; one-line error when most non-ASCII lines
    decode in neither UTF-8 nor GB18030 (the file is in some other encoding)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UserError(f"{where}: cannot decode as UTF-16 (offset {exc.start})") from None
        return DecodedLines(re.split(r"\r\n|\r|\n", text), "utf-16")
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[3:] if bom else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # the common case: every line is UTF-8
        return DecodedLines(re.split(r"\r\n|\r|\n", text), "utf-8-sig" if bom else "utf-8")
    raws = _LINE_BREAK.split(body)
    classified = [_classify(raw) for raw in raws]
    kinds = [kind for kind, _ in classified]
    counts = {k: kinds.count(k) for k in ("utf-8", "gb18030", "neither")}
    if bom or counts["utf-8"] > counts["gb18030"]:
        encoding = "utf-8"
    elif counts["gb18030"] > counts["utf-8"]:
        encoding = "gb18030"
    else:  # a tie: the encoding of the first non-ASCII line (usually the header)
        first = next(k for k in kinds if k in counts)
        encoding = first if first != "neither" else "utf-8"
    if counts["neither"] >= max(counts[encoding], 1):
        line_no = kinds.index("neither") + 1
        raw = raws[line_no - 1]
        at = max(_error_start(raw, "utf-8"), _error_start(raw, "gb18030"))
        starts = [0, *(m.end() for m in _LINE_BREAK.finditer(body))]
        offset = (3 if bom else 0) + starts[line_no - 1] + at
        raise _undecodable(where, line_no, offset, raw[at])
    lines: list[str] = []
    bad: dict[int, str] = {}
    for n, (raw, (kind, line)) in enumerate(zip(raws, classified, strict=True), start=1):
        if kind not in ("ascii", encoding):
            bad[n] = {
                "utf-8": "decodes as UTF-8, not GB18030",
                "gb18030": "decodes as GB18030, not UTF-8",
                "mojibake": "UTF-8 text inside a GB18030 line",
            }.get(kind, f"undecodable bytes at offset {_error_start(raw, encoding)} of the line")
        lines.append(line if line is not None else raw.decode(encoding, errors="replace"))
    return DecodedLines(lines, "utf-8-sig" if bom else encoding, bad)


def decode(data: bytes, where: str) -> tuple[str, str]:
    """The whole text and its encoding; one-line error naming the first line that does not
    decode cleanly (for readers that cannot quarantine a single line, like a JSON array)."""
    decoded = decode_lines(data, where)
    if decoded.bad:
        line_no = min(decoded.bad)
        raise UserError(f"{where} line {line_no}: {decoded.bad[line_no]}")
    return decoded.text, decoded.encoding
