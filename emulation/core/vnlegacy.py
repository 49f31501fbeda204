"""Vietnamese typed with the pre-Unicode fonts, found in a cell by its characters and turned
into Unicode NFC: TCVN3 (ABC: `.VnTime`, `.VnArial`; `NguyÔn V¨n §øc`) and VNI (VNI-Windows:
`VNI-Times`; `Nguyeãn Vaên Ñöùc`).

A font of those families draws Vietnamese letters at byte values that Excel keeps as the
Latin-1 characters of the same values, so the cell holds Latin-1 look-alikes. No maintained
pure-Python library converts them (PyPI was searched in 2026: only document loaders that bundle
the same tables); the tables are here.

Sources:
- TCVN3 = TCVN 5712:1993, its VN3 subset (what the ABC fonts hold): the byte → Unicode table
  of glibc's charmap `TCVN5712-1` (`/usr/share/i18n/charmaps/TCVN5712-1.gz`), bytes 0xA1–0xFE
  without the VN1-only capitals and combining marks. The VN3 fonts have no capital letters with
  a tone mark: the `.VnTimeH` fonts draw the small letters' bytes as capitals, so a cell whose
  ASCII letters are all capitals is converted to capitals.
- VNI-Windows: a base letter followed by a mark byte (`a` + `ù` = á), a few letters on one
  byte (`ñ` = đ, `ô` = ơ, `ö` = ư, `ó` = ĩ …), as published by VNI Software and tabulated in
  the xvnkb keyboard's `vni.h` (Đào Hải Lâm, 2002).

False positives are the danger: Unicode Vietnamese shares `à á â ã è é ê ì í ò ó ô õ ù ú ý`
with Latin-1. A cell is a candidate only if it holds no character beyond Latin-1 and at least
one Latin-1 character that Vietnamese never uses (`¨ § µ Ç Þ ø ñ ö …`), and a conversion is
kept only if every word it changed is a well-formed Vietnamese syllable. Plain ASCII and
Unicode Vietnamese are never touched.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# --- TCVN3 (VN3) ------------------------------------------------------------------------------
# byte value (as the Latin-1 character Excel keeps) → Unicode, from glibc's TCVN5712-1 charmap
_TCVN3_PAIRS = (
    "\u00a1Ă \u00a2Â \u00a3Ê \u00a4Ô \u00a5Ơ \u00a6Ư \u00a7Đ "
    "\u00a8ă \u00a9â \u00aaê \u00abô \u00acơ \u00adư \u00aeđ "
    "\u00b5à \u00b6ả \u00b7ã \u00b8á \u00b9ạ \u00bbằ \u00bcẳ \u00bdẵ \u00beắ "
    "\u00c6ặ \u00c7ầ \u00c8ẩ \u00c9ẫ \u00caấ \u00cbậ \u00ccè \u00ceẻ \u00cfẽ "
    "\u00d0é \u00d1ẹ \u00d2ề \u00d3ể \u00d4ễ \u00d5ế \u00d6ệ \u00d7ì \u00d8ỉ "
    "\u00dcĩ \u00ddí \u00deị \u00dfò \u00e1ỏ \u00e2õ \u00e3ó \u00e4ọ \u00e5ồ "
    "\u00e6ổ \u00e7ỗ \u00e8ố \u00e9ộ \u00eaờ \u00ebở \u00ecỡ \u00edớ \u00eeợ "
    "\u00efù \u00f1ủ \u00f2ũ \u00f3ú \u00f4ụ \u00f5ừ \u00f6ử \u00f7ữ \u00f8ứ "
    "\u00f9ự \u00faỳ \u00fbỷ \u00fcỹ \u00fdý \u00feỵ"
)
TCVN3 = {pair[0]: pair[1] for pair in _TCVN3_PAIRS.split()}

# --- VNI-Windows ------------------------------------------------------------------------------
# marks after a base letter (small forms; the capital forms are the same Latin-1 letters in
# capitals): tone marks after any vowel, and the marks that make â ê ô / ă
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_HAT = {"â": "\u0302", "á": "\u0302\u0301", "à": "\u0302\u0300", "å": "\u0302\u0309",
            "ã": "\u0302\u0303", "ä": "\u0302\u0323"}  # after a, e, o
_VNI_BREVE = {"ê": "\u0306", "é": "\u0306\u0301", "è": "\u0306\u0300", "ú": "\u0306\u0309",
              "ü": "\u0306\u0303", "ë": "\u0306\u0323"}  # after a only
# letters on one byte
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ó": "ĩ", "ò": "ị", "æ": "ỉ", "î": "ỵ", "ñ": "đ",
               "í": "í", "ì": "ì"}


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for small, capital in ((k, k.upper()) for k in _VNI_SINGLE):
        table[small] = _VNI_SINGLE[small]
        table[capital] = _VNI_SINGLE[small].upper()
    bases = {"a": "a", "e": "e", "o": "o", "u": "u", "y": "y", "ô": "ơ", "ö": "ư"}
    for base, letter in bases.items():
        marks = dict(_VNI_TONES)
        if base in "aeo":
            marks.update(_VNI_HAT)
        if base == "a":
            marks.update(_VNI_BREVE)
        for mark, combining in marks.items():
            for b, m, upper in ((base, mark, False), (base.upper(), mark.upper(), True),
                                (base, mark.upper(), False), (base.upper(), mark, True)):
                out = unicodedata.normalize("NFC", letter + combining)
                table[b + m] = out.upper() if upper else out
    return table


VNI = _vni_table()
_VNI_PATTERN = re.compile("|".join(sorted(map(re.escape, VNI), key=len, reverse=True)))

# --- detection --------------------------------------------------------------------------------
# The Latin-1 letters Unicode Vietnamese uses; any other Latin-1 character above ASCII in a
# name is a sign of a legacy font.
_VIETNAMESE_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_SYLLABLE = re.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
    r"(uyê|uây|ươi|ươu|oai|oay|oeo|uôi|yêu|iêu|uya|uyu|"
    r"ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|oo|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|"
    r"[aăâeêioôơuưy])"
    r"(ch|ng|nh|[cmnpt])?$")
_WORD = re.compile(r"[^\W\d_]+")


_BEYOND_LATIN1 = re.compile(r"[^\x00-\xff]")
_SIGNS = re.compile("[" + "".join(chr(c) for c in range(0xA0, 0x100)
                                  if chr(c) not in _VIETNAMESE_LATIN1) + "]")


def has_legacy_signs(text: str) -> bool:
    """Latin-1 only, with a character Vietnamese Unicode text never holds."""
    if not text or text.isascii() or _BEYOND_LATIN1.search(text):
        return False
    return _SIGNS.search(text) is not None


def is_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable (onset, vowel nucleus, coda; at most one tone)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONES)
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return tones <= 1 and _SYLLABLE.match(base) is not None


def _tcvn3(text: str) -> str | None:
    if any(ord(ch) >= 0xA0 and ch not in TCVN3 for ch in text):
        return None  # a TCVN3 cell holds no other character above ASCII
    out = "".join(TCVN3.get(ch, ch) for ch in text)
    letters = [ch for ch in text if ch.isascii() and ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters):  # a .VnTimeH font: all capitals
        out = out.upper()
    return out


def _vni(text: str) -> str | None:
    if any(ord(ch) >= 0xA0 for ch in _VNI_PATTERN.sub("", text)):
        return None  # a character above ASCII that no VNI letter explains
    return _VNI_PATTERN.sub(lambda m: VNI[m.group(0)], text)


def _plausible(after: str) -> bool:
    """Every word holding a letter beyond ASCII reads as Vietnamese."""
    changed = [w for w in _WORD.findall(after) if not w.isascii()]
    return (any(len(w) > 1 for w in changed) and all(is_syllable(w) for w in changed))


def reads_as_vietnamese(text: str) -> bool:
    """Unicode text whose words beyond ASCII are all Vietnamese syllables, with no Latin-1
    sign of a legacy font and no loose combining mark (a Windows-1258 cell decoded right)."""
    if any(unicodedata.combining(ch) for ch in text):
        return False
    if any(0xA0 <= ord(ch) <= 0xFF and ch not in _VIETNAMESE_LATIN1 for ch in text):
        return False
    return all(is_syllable(w) for w in _WORD.findall(text) if not w.isascii())


@lru_cache(maxsize=4096)  # a list repeats its positions, units and places
def convert(text: str) -> tuple[str, str] | None:
    """(Unicode NFC text, "TCVN3" or "VNI") when `text` is Vietnamese typed with one of those
    fonts, else None (Unicode text, ASCII, or something that does not read as Vietnamese)."""
    if not isinstance(text, str) or not has_legacy_signs(text):
        return None
    found = []
    for name, convert_with in (("TCVN3", _tcvn3), ("VNI", _vni)):
        after = convert_with(text)
        if after is None:
            continue
        after = unicodedata.normalize("NFC", after)
        if after != text and _plausible(after):
            found.append((after, name))
    if len(found) != 1:  # neither, or both read as Vietnamese: leave the cell as it is
        return None
    return found[0]
