"""Vietnamese text: NFC on the way in, a folded copy (no diacritics, lower case) for search."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Characters no text keeps: control characters (but tab, line feed and carriage return), lone
# surrogates and the noncharacters (U+FDD0–U+FDEF, U+FFFE and U+FFFF of every plane). XML, so
# Word and Excel files, cannot hold them; PostgreSQL refuses NUL; a surrogate cannot be encoded.
_NONCHARACTERS = "".join(f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}"
                         for plane in range(0x10000, 0x110000, 0x10000))
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                      f"\ufffe\uffff{_NONCHARACTERS}]")
# What XML 1.0 cannot hold at all (the C1 controls it can).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(value) -> str:
    """NFC, control characters removed, inner white space collapsed, trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _CONTROL.sub("", text)
    return _SPACES.sub(" ", text).strip()


def clean_block(value, limit: int) -> str:
    """Multi-line text: NFC, control characters removed (line breaks and tabs kept), trimmed,
    cut at `limit` characters. No NUL byte reaches the database (PostgreSQL refuses it)."""
    if value is None:
        return ""
    return _CONTROL.sub("", unicodedata.normalize("NFC", str(value))).strip()[:limit]


def has_unstorable(value) -> bool:
    """True when the text holds a character no field keeps (see `_CONTROL`): forms and the API
    refuse such input instead of silently changing it."""
    return value is not None and _CONTROL.search(str(value)) is not None


def xml_safe(value) -> str:
    """The text with what XML cannot hold removed: every text written into a Word or Excel
    file goes through it, so that older data or a path around the forms cannot break one."""
    return _NOT_XML.sub("", "" if value is None else str(value))


def one_line(value) -> str:
    """The text on one line: line breaks and every other white space folded into one space
    (mail header values, which cannot hold a line break)."""
    return _SPACES.sub(" ", clean(value)).strip()


def fold(value) -> str:
    """`Nguyễn Văn Đức` → `nguyen van duc`: what search compares."""
    text = clean(value).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def like_pattern(query: str) -> str:
    """A LIKE pattern matching the folded query anywhere; % and _ in the query are literal."""
    escaped = fold(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
