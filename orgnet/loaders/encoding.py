"""Which text encoding a CSV file is in: UTF-8 (with or without BOM), UTF-16 with a BOM,
else the one legacy encoding (GB18030, Big5, Shift-JIS) its bytes plausibly are, told apart
by the known Chinese headers of its first line and by how common its characters are. An
encoding that cannot be told apart is refused naming the candidates unless the caller names it.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from orgnet.errors import InputError
from orgnet.loaders.cells import header_key
from orgnet.model import TABLES

__all__ = ["ENCODING_CANDIDATES", "check_encoding_name", "detect_encoding", "sniff_delimiter"]

_CHUNK = 1 << 20


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


#: legacy encodings tried when a file is not UTF-8 (GB18030 decodes almost any bytes, so a
#: Big5 or Shift-JIS file also "decodes" as GB18030; the plausibility score tells them apart)
ENCODING_CANDIDATES: tuple[str, ...] = ("gb18030", "big5", "shift_jis")
_ENCODING_NAMES = {"gb18030": "GB18030/GBK（简体中文）", "big5": "Big5（繁体中文）",
                   "shift_jis": "Shift-JIS（日文）"}
#: bytes of a file the plausibility score looks at
_SAMPLE = 256 * 1024


def _plausible(ch: str, encoding: str) -> bool:
    """A non-ASCII character is one a text in ``encoding`` commonly holds (not a rare or
    private-use one that mis-decoded bytes of another encoding produce)."""
    if 0xE000 <= ord(ch) <= 0xF8FF:
        return False
    try:
        if encoding == "gb18030":
            ch.encode("gb2312")  # the 6,763 common simplified characters and punctuation
            return True
        b = ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    if encoding == "big5":  # punctuation and the 5,401 frequently used characters
        return len(b) == 2 and 0xA1 <= b[0] <= 0xC6
    return len(b) == 1 or 0x81 <= b[0] <= 0x84 or 0x88 <= b[0] <= 0x9F  # kana, JIS level 1


def _plausibility(path: Path, encoding: str) -> tuple[float, int]:
    """(share of plausible non-ASCII characters, how many were seen) in the file's first bytes."""
    with path.open("rb") as f:
        data = f.read(_SAMPLE)
    text = codecs.getincrementaldecoder(encoding)(errors="ignore").decode(data)
    seen = [ch for ch in text if ord(ch) > 127]
    if not seen:
        return 1.0, 0
    return sum(_plausible(ch, encoding) for ch in seen) / len(seen), len(seen)


def _header_hits(path: Path, encodings: list[str]) -> dict[str, int]:
    """How many non-ASCII cells of the first line are known headers, per encoding."""
    with path.open("rb") as f:
        first = f.readline(64 * 1024)
    known = {header_key(h) for t in TABLES.values() for c in t.columns for h in c.headers}
    hits = {}
    for e in encodings:
        text = first.decode(e, errors="replace")
        cells = re.split(r"[,\t]", text)
        hits[e] = sum(1 for c in cells if not c.isascii() and header_key(c) in known)
    return hits


def _choose_legacy(path: Path) -> str:
    decodable = [e for e in ENCODING_CANDIDATES if _decodes(path, e)]
    if len(decodable) == 1:
        return decodable[0]
    if not decodable:
        raise InputError(f"{path.name}: 文件编码无法识别，请另存为 UTF-8 或 GB18030 / unknown text "
                         f"encoding; save it as UTF-8 or GB18030")
    known = _header_hits(path, decodable)  # Chinese headers decode right in one encoding only
    best_hits = max(known.values())
    if best_hits and list(known.values()).count(best_hits) == 1:
        return max(known, key=known.__getitem__)
    scores = sorted(((_plausibility(path, e), e) for e in decodable), reverse=True)
    (best, seen), encoding = scores[0]
    (second, _), _ = scores[1]
    if best >= 0.9 and best - second >= 0.3 and seen >= 4:
        return encoding
    names = "、".join(_ENCODING_NAMES[e] for e in decodable)
    raise InputError(
        f"{path.name}: 无法确定文件编码，可能是 {names}；请另存为 UTF-8，或明确指定编码（命令行 "
        f"--encoding {decodable[0]}） / cannot tell the text encoding apart: it may be "
        f"{', '.join(decodable)}; save the file as UTF-8 or name the encoding "
        f"(--encoding {decodable[0]})")


def check_encoding_name(encoding: str) -> str:
    """The codec's canonical name for an encoding a user named; InputError when unknown."""
    try:
        return codecs.lookup(encoding).name
    except LookupError as e:
        raise InputError(f"未知的编码 {encoding!r}（可用 utf-8、gb18030、big5、shift_jis） / unknown "
                         f"encoding {encoding!r} (e.g. utf-8, gb18030, big5, shift_jis)") from e


def detect_encoding(path: Path, encoding: str | None = None) -> str:
    """``utf-8-sig`` (BOM kept on write-back), ``utf-8``, ``utf-16``, else the one legacy
    encoding (GB18030, Big5, Shift-JIS) the bytes plausibly are. ``encoding`` names the
    legacy encoding instead (a file that is valid UTF-8 or has a UTF-16 BOM stays that)."""
    try:
        name = check_encoding_name(encoding) if encoding else None
        with path.open("rb") as f:
            head = f.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and _decodes(path, "utf-16"):
            return "utf-16"
        if _decodes(path, "utf-8"):  # (a BOM is valid UTF-8; utf-8-sig's decoder is lax at EOF)
            return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
        if name is not None:
            if not _decodes(path, name):
                raise InputError(f"{path.name}: 不能按 {encoding} 编码读取 / the file is not valid "
                                 f"{encoding}")
            return name
        return _choose_legacy(path)
    except OSError as e:
        raise InputError(f"{path}: cannot read the file ({e})") from e


def sniff_delimiter(path: Path, encoding: str) -> str:
    try:
        with path.open(encoding=encoding, newline="") as f:
            first = f.readline()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path.name}: cannot read the file as {encoding} ({e})") from e
    return "\t" if first.count("\t") > first.count(",") else ","
