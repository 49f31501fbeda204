"""Cash that goes with an award: no Flask, no database."""
from __future__ import annotations

from decimal import Decimal

from emulation.core.numbers import round_up_vnd

CASH_STEP = 10_000


def cash_amount(multiple: Decimal | None, base_salary: int) -> int | None:
    """Multiple × base salary (VND), rounded up to the next 10,000 VND; None when the award
    carries no cash.

    `cash_amount(Decimal("0.3"), 2_340_000)` is 710,000 (702,000 rounded up). Source: Nghị
    định 152/2025/NĐ-CP Art. 49 (amount as a multiple of the base salary in force on the
    decision date, rounded up to 10,000 VND).
    """
    if multiple is None:
        return None
    return round_up_vnd(Decimal(multiple) * base_salary, CASH_STEP)
