"""Progress roll-up (pure): item → movement → unit → campaign.

An item's progress comes from its target where it has one (achieved / target, capped at
100%), from the unit's self-assessed % otherwise. Items, then movements, then units are
averaged with equal weight: targets of different units of measure (events, VND, %) cannot
weigh against each other. Items with no data are missing, never 0%.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ItemData:
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
    by_movement: dict[int, list[ItemData]] = {}
    for item in items:
        by_movement.setdefault(item.movement, []).append(item)
    movements = {m: _combine(group) for m, group in by_movement.items()}
    overall = mean(movements.values())
    return overall, {m: (_round(v) if v is not None else None) for m, v in movements.items()}


def mean(values) -> Decimal | None:
    known = [v for v in values if v is not None]
    return _round(sum(known) / len(known)) if known else None


def _combine(group: list[ItemData]) -> Decimal | None:
    reported = [p for p in (item_progress(i) for i in group) if p is not None]
    return sum(reported) / len(reported) if reported else None


def _round(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
