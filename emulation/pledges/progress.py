"""Progress roll-up (pure): item → movement → unit → campaign.

An item's progress comes from its target where it has one (achieved / target, capped at
100%), from the unit's self-assessed % otherwise. Items, then movements, then units are
averaged with equal weight: targets of different units of measure (events, VND, %) cannot
weigh against each other. Items with no data are missing, never 0%.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

HUNDRED = Decimal(100)


class ItemData(NamedTuple):  # a tuple: a campaign roll-up makes tens of thousands
    movement: int
    target: Decimal | None
    achieved: Decimal | None
    self_assessed: Decimal | None


def item_progress(item: ItemData) -> Decimal | None:
    """% for one pledge item, or None when nothing was reported."""
    if item.target is not None and item.target > 0 and item.achieved is not None:
        return min(HUNDRED, item.achieved / item.target * HUNDRED)
    if item.self_assessed is not None:
        return max(Decimal(0), min(HUNDRED, item.self_assessed))
    return None


def rollup(items: list[ItemData]) -> tuple[Decimal | None, dict[int, Decimal | None]]:
    """(overall %, {movement: %}) for one unit's items."""
    reported: dict[int, list] = {}  # movement → [sum of its items' %, how many], one pass
    for item in items:
        entry = reported.setdefault(item.movement, [0, 0])
        value = item_progress(item)
        if value is not None:
            entry[0] += value
            entry[1] += 1
    movements = {m: (total / n if n else None) for m, (total, n) in reported.items()}
    overall = mean(movements.values())
    return overall, {m: (_round(v) if v is not None else None) for m, v in movements.items()}


def mean(values) -> Decimal | None:
    known = [v for v in values if v is not None]
    return _round(sum(known) / len(known)) if known else None


def _round(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
