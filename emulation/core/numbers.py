"""Numbers as people type them and money as the law counts it: no Flask, no database."""
from __future__ import annotations

import re
from decimal import ROUND_CEILING, Decimal, InvalidOperation

from babel.numbers import format_decimal

from emulation.core.text import clean

MAX_VALUE = Decimal("1e15")
_DIGITS = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
_GROUPS = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+", re.ASCII)


class NumberError(ValueError):
    """A typed number refused: `places` is set when only its decimal places are too many."""

    def __init__(self, value, places: int | None = None):
        super().__init__(value)
        self.value, self.places = value, places


def parse_number(value, locale: str = "vi", places: int = 2,
                 signed: bool = False) -> Decimal | None:
    """A number as people type it: `1.234,5` or `12,5` (vi), `1,234.5` (en), `1234.5`.

    ASCII digits and the separators only: no exponent, NaN, infinity or other scripts' digits.
    A lone separator followed by exactly three digits is a thousands separator in the
    locale that uses it so (`1.500` is 1500 in vi, `1,500` is 1500 in en); thousands groups
    have three digits. The exact value typed is checked, never a rounded one: more than
    `places` decimal places (the column's scale) is refused. Empty → None; anything else,
    negative (unless `signed`) or absurd → NumberError (a ValueError).
    """
    text = clean(value).replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    thousands, decimal = (".", ",") if locale == "vi" else (",", ".")
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
    elif text.count(",") + text.count(".") == 1:
        sep = "," if "," in text else "."
        digits_after = len(text) - text.index(sep) - 1
        if not (sep == thousands and digits_after == 3):
            decimal, thousands = sep, ("." if sep == "," else ",")
    elif text.count(",") > 1 or text.count(".") > 1:
        thousands = "," if text.count(",") > 1 else "."
        decimal = "." if thousands == "," else ","
    whole = text.split(decimal)[0].replace(thousands, ",")
    if "," in whole and not _GROUPS.fullmatch(whole):
        raise NumberError(value)
    text = text.replace(thousands, "").replace(decimal, ".")
    if not _DIGITS.fullmatch(text) or (text.startswith("-") and not signed):
        raise NumberError(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise NumberError(value) from None
    if abs(number) >= MAX_VALUE:
        raise NumberError(value)
    quantum = Decimal(1).scaleb(-places)
    if number != number.quantize(quantum):
        raise NumberError(value, places)
    return number.quantize(quantum)


def round_up_vnd(amount: Decimal, step: int = 10_000) -> int:
    """An amount in VND rounded up to the next multiple of `step` VND (706,000.5 → 710,000).

    Cash awards are rounded up to the next 10,000 VND (Nghị định 152/2025/NĐ-CP Art. 49).
    """
    unit = Decimal(step)
    return int((Decimal(amount) / unit).to_integral_value(rounding=ROUND_CEILING) * unit)


def number_text(value, locale: str = "vi", places: int = 2, signed: bool = False) -> str:
    """A number as the reader writes it, by Babel: `1.234,5` (vi), `1,234.5` (en); at most
    `places` decimals, no trailing zeros and never an exponent (`15.00` → `15`, `1E+1` →
    `10`). `signed` writes `+2,5` / `-2,5`. For documents and messages built without Flask."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "#" * places if places > 0 else "")
    if signed:
        pattern = f"+{pattern};-{pattern}"
    return format_decimal(Decimal(str(value)), format=pattern, locale=locale)


def percent_text(value, locale: str = "vi", places: int = 1) -> str:
    """A percentage given in points (`15` → `15%`, `66.666…` → `66,7%` in vi)."""
    return "" if value is None else number_text(value, locale, places) + "%"
