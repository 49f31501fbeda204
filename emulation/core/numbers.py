"""Numbers as people type them and money as the law counts it: no Flask, no database."""
from __future__ import annotations

from decimal import ROUND_CEILING, Decimal, InvalidOperation

from emulation.core.text import clean

MAX_VALUE = Decimal("1e15")


def parse_number(value, locale: str = "vi") -> Decimal | None:
    """A number as people type it: `1.234,5` or `12,5` (vi), `1,234.5` (en), `1234.5`.

    A lone separator followed by exactly three digits is a thousands separator in the
    locale that uses it so (`1.500` is 1500 in vi, `1,500` is 1500 in en). Empty → None;
    anything else, negative or absurd → ValueError.
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
    text = text.replace(thousands, "").replace(decimal, ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite() or number < 0 or number >= MAX_VALUE:
        raise ValueError(value)
    return number.quantize(Decimal("0.01"))


def round_up_vnd(amount: Decimal, step: int = 10_000) -> int:
    """An amount in VND rounded up to the next multiple of `step` VND (706,000.5 → 710,000).

    Cash awards are rounded up to the next 10,000 VND (Nghị định 152/2025/NĐ-CP Art. 49).
    """
    unit = Decimal(step)
    return int((Decimal(amount) / unit).to_integral_value(rounding=ROUND_CEILING) * unit)
