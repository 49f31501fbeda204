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


def multiple_for(kind: str, multiple: Decimal | None,
                 collective_multiple: Decimal | None) -> Decimal | None:
    """The multiple an award pays to a subject of `kind` ('individual' or 'collective').

    A form that both receive pays a collective its own, higher multiple (Nghị định 152/2025
    Art. 49: the seeded figure is twice the individual's, to verify); without one, and for
    titles of one kind only, the award's multiple applies."""
    if kind == "collective" and collective_multiple is not None:
        return collective_multiple
    return multiple


def pay_highest_title(amounts: list[tuple[object, object, int | None]],
                      paid_before: dict[object, int] | None = None) -> dict[object, int | None]:
    """Several titles earned by one subject for the same period are paid only the highest
    (Nghị định 152/2025 Art. 49).

    `amounts` are (key, period group, full amount) of titles; `paid_before` what titles of a
    group already received. In each group the highest title is paid what it is worth less
    what was paid before (never below 0), the others 0; an amount of None stays None.
    `pay_highest_title([("a", 1, 710_000), ("b", 1, 2_340_000)])` is {"a": 0, "b": 2_340_000}.
    """
    paid_before = paid_before or {}
    best: dict[object, tuple[int, object]] = {}
    for key, group, amount in amounts:
        if amount is not None and (group not in best or amount > best[group][0]):
            best[group] = (amount, key)
    result: dict[object, int | None] = {}
    for key, group, amount in amounts:
        if amount is None:
            result[key] = None
        elif best[group][1] == key:
            result[key] = max(0, amount - paid_before.get(group, 0))
        else:
            result[key] = 0
    return result
