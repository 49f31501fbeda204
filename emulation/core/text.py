"""Vietnamese text: NFC on the way in, a folded copy (no diacritics, lower case) for search."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
