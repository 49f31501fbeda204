"""Aggregation and ranking (pure): plain data in, plain data out.

A sheet's total = Σ points × weight over regular criteria + bonus criteria − penalty criteria.
Sheets of one kind combine by mean, median, or trimmed mean (highest and lowest dropped when
there are at least 5). The final score is the weighted mean of the kinds present (weights
renormalised over them), plus adjustments. Within each cluster units are ranked by final score,
then by the chosen tie-breaks; ties the tie-breaks cannot split share a rank and are marked.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from statistics import median, pstdev
from typing import NamedTuple

ZERO = Decimal(0)
PLACES = Decimal("0.000001")  # components and finals are kept to 6 decimal places
KINDS = ("self", "peer", "council")


@dataclass(frozen=True)
class CriterionData:
    id: int
    max_points: Decimal
    weight: Decimal = Decimal(1)
    kind: str = "regular"  # regular | bonus | penalty


class SheetData(NamedTuple):  # a tuple: a union-wide campaign has tens of thousands
    unit: int
    kind: str
    points: dict[int, Decimal]  # criterion id → points
    submitted: bool = True
    # Computed by the database when the sheets are many: the sheet's total (what
    # `sheet_total` gives) and how many criteria reached their maximum.
    total: Decimal | None = None
    at_max: int | None = None


@dataclass(frozen=True)
class Settings:
    weights: dict[str, Decimal]
    combine: str = "mean"  # mean | median | trimmed
    missing: str = "skip"  # zero | skip
    tie_breaks: tuple[str, ...] = ("council", "progress", "max_criteria")
    leaders: int = 1


@dataclass
class UnitResult:
    unit: int
    final: Decimal | None
    components: dict[str, Decimal | None]
    spread: dict[str, tuple[int, Decimal | None]]  # kind → (sheets, standard deviation)
    adjustment: Decimal
    progress: Decimal | None
    at_max: Decimal
    rank: int = 0
    tied: bool = False
    leader: bool = False


@dataclass
class ClusterRanking:
    cluster: int
    rows: list[UnitResult] = field(default_factory=list)


def sheet_total(points: dict[int, Decimal], criteria: dict[int, CriterionData]) -> Decimal:
    total = ZERO
    for criterion_id, value in points.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            continue
        if criterion.kind == "bonus":
            total += value
        elif criterion.kind == "penalty":
            total -= value
        else:
            total += value * criterion.weight
    return total


def sheet_at_max(points: dict[int, Decimal], criteria: dict[int, CriterionData]) -> int:
    """How many of the sheet's criteria got their maximum (a tie-break)."""
    return sum(1 for cid, v in points.items() if cid in criteria and v >= criteria[cid].max_points)


def deviation_of(values: list[Decimal]) -> Decimal:
    """The population standard deviation to 6 places, as `statistics.pstdev` gives it but
    without its fractions: totals have at most 5 decimal places, so n²·variance is an exact
    integer of 10⁻¹⁰ and only the square root rounds (at 40 digits, then to 6 places)."""
    scaled = [v.scaleb(5) for v in values]
    if any(x != x.to_integral_value() for x in scaled):  # more places: the general way
        return Decimal(pstdev(values)).quantize(PLACES)
    n, ints = len(values), [int(x) for x in scaled]
    total, squares = sum(ints), sum(x * x for x in ints)
    with localcontext() as ctx:
        ctx.prec = 40
        root = (Decimal(n * squares - total * total) / (n * n)).sqrt()
    return root.scaleb(-5).quantize(PLACES)


def combine(values: list[Decimal], method: str) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    if method == "median":
        return Decimal(median(ordered)).quantize(PLACES)
    if method == "trimmed" and len(ordered) >= 5:
        ordered = ordered[1:-1]
    return (sum(ordered, ZERO) / len(ordered)).quantize(PLACES)


def unit_result(unit: int, sheets: list[SheetData], criteria: dict[int, CriterionData],
                settings: Settings, adjustment: Decimal = ZERO,
                progress: Decimal | None = None) -> UnitResult:
    components: dict[str, Decimal | None] = {}
    spread: dict[str, tuple[int, Decimal | None]] = {}
    maxima = []
    for kind in KINDS:
        of_kind = [s for s in sheets if s.kind == kind]
        totals = [s.total if s.total is not None else sheet_total(s.points, criteria)
                  for s in of_kind if s.submitted]
        if settings.missing == "zero":
            totals += [ZERO] * sum(1 for s in of_kind if not s.submitted)
        components[kind] = combine(totals, settings.combine)
        deviation = (deviation_of(totals) if len(totals) > 1 else (ZERO if totals else None))
        spread[kind] = (len(totals), deviation)
        for s in of_kind:
            if s.submitted:
                maxima.append(s.at_max if s.at_max is not None
                              else sheet_at_max(s.points, criteria))
    weighted, weight_sum = ZERO, ZERO
    for kind, value in components.items():
        weight = settings.weights.get(kind, ZERO)
        if value is None:
            if settings.missing == "zero" and weight > 0:
                weight_sum += weight  # a kind with no sheet at all counts as zero
            continue
        weighted += weight * value
        weight_sum += weight
    final = (weighted / weight_sum + adjustment).quantize(PLACES) if weight_sum > 0 else None
    at_max = Decimal(sum(maxima)) / len(maxima) if maxima else ZERO
    return UnitResult(unit, final, components, spread, adjustment, progress, at_max)


def rank_clusters(clusters: dict[int, list[int]], sheets: list[SheetData],
                  criteria: list[CriterionData], settings: Settings,
                  adjustments: dict[int, Decimal] | None = None,
                  progress: dict[int, Decimal | None] | None = None) -> list[ClusterRanking]:
    """Rank every cluster's members. Input order never changes the result."""
    by_id = {c.id: c for c in criteria}
    by_unit: dict[int, list[SheetData]] = {}
    for sheet in sheets:
        by_unit.setdefault(sheet.unit, []).append(sheet)
    adjustments, progress = adjustments or {}, progress or {}
    rankings = []
    for cluster_id in sorted(clusters):
        results = [unit_result(u, by_unit.get(u, []), by_id, settings,
                               adjustments.get(u, ZERO), progress.get(u))
                   for u in sorted(set(clusters[cluster_id]))]
        rankings.append(ClusterRanking(cluster_id, _ranked(results, settings)))
    return rankings


def _sort_key(result: UnitResult, tie_breaks: tuple[str, ...]) -> tuple:
    def desc(value):
        return (value is None, -(value if value is not None else ZERO))

    key = [desc(result.final)]
    for tie in tie_breaks:
        if tie == "council":
            key.append(desc(result.components.get("council")))
        elif tie == "progress":
            key.append(desc(result.progress))
        elif tie == "max_criteria":
            key.append(desc(result.at_max))
    return tuple(key)


def _ranked(results: list[UnitResult], settings: Settings) -> list[UnitResult]:
    keyed = sorted(((_sort_key(r, settings.tie_breaks), r.unit, r) for r in results),
                   key=lambda t: (t[0], t[1]))
    previous, rank = None, 0
    for position, (key, _unit, result) in enumerate(keyed, start=1):
        if key != previous:
            rank = position
        result.rank = rank
        previous = key
    for i, (key, _unit, result) in enumerate(keyed):
        neighbours = [keyed[j][0] for j in (i - 1, i + 1) if 0 <= j < len(keyed)]
        result.tied = result.final is not None and key in neighbours
        result.leader = result.final is not None and result.rank <= settings.leaders
    return [r for _k, _u, r in keyed]


class Band(NamedTuple):
    low: Decimal
    high: Decimal  # exclusive, except for the last band, which holds its top
    count: int


def distribution(finals, most: int = 10) -> list[Band]:
    """Phổ điểm: how many final scores fall in each band of equal width (1, 2 or 5 × a power
    of ten, at most `most` bands from a multiple of the width below the lowest score to the
    highest). Scores not yet computed (None) are left out; no score, no band."""
    values = sorted(Decimal(v) for v in finals if v is not None)
    if not values:
        return []
    lowest, highest = values[0], values[-1]
    width = _band_width(highest - lowest, most)
    start = math.floor(lowest / width) * width
    count = max(1, math.ceil((highest - start) / width))  # the top is in the last band
    counts = [0] * count
    for v in values:
        counts[min(math.floor((v - start) / width), count - 1)] += 1
    return [Band(start + i * width, start + (i + 1) * width, n) for i, n in enumerate(counts)]


def _band_width(spread: Decimal, most: int) -> Decimal:
    if spread <= 0:
        return Decimal(1)
    exponent = math.floor((spread / most).log10())
    for step in (1, 2, 5, 10):
        width = Decimal(step) * Decimal(10) ** exponent
        if spread / width <= most:
            return width
    return Decimal(10) ** (exponent + 1)
