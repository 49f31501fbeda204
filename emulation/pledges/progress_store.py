"""Stored progress: the roll-up of each unit's results (item → movement → unit, per report
period) kept in `unit_progress` and `movement_progress`, so that the dashboards read a row a
unit (or one aggregate) instead of rolling every pledge item up again.

Kept up to date inside the transaction that changes it: every flush that writes a report, a
report line, a pledge or a pledge item refreshes the roll-up of the units concerned
(`_collect`/`_refresh_flushed`, session events; imports, services, API and admin alike). Bulk
SQL that bypasses the ORM (the bench's generator, the demo reset) calls `rebuild` itself;
`flask progress rebuild [--campaign ID]` recomputes everything from the pledge items and
report lines (audited).

The figures are those of `progress.rollup` (the reference: `items_by_period` + `rollup`, what
the dashboard computed on every view), stored in tenths of a percent (integers: the sums the
dashboard averages stay exact on SQLite and PostgreSQL). Averages over units are rebuilt with
`mean_of`, which divides exactly as `progress.mean` does.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import delete, event, func, insert, select, union
from sqlalchemy.orm import Session

from emulation.extensions import db
from emulation.pledges import progress
from emulation.pledges.enums import PledgeState
from emulation.pledges.models import (
    MovementProgress,
    Pledge,
    PledgeItem,
    Report,
    ReportItem,
    UnitProgress,
)

CHUNK = 500  # units refreshed per round of queries (bounded memory, bounded IN lists)
_DIRTY = "progress_store.dirty"


# --- the reference computation --------------------------------------------------------------

def items_by_period(campaign_id: int, among=None, conn=None) -> dict[int, list[tuple]]:
    """{period id: [(unit id, movement id, target, achieved, self-assessed)]}: every approved
    pledge item (of the units `among` selects — a query or a list of unit ids — when given)
    with each period's results, for each period holding at least one result line; two
    queries whatever the number of periods and units. The reference the stored figures are
    computed from (and compared with, in the tests)."""
    execute = (conn or db.session).execute

    def only(column):
        return [column.in_(among)] if among is not None else []

    results: dict[int, dict[int, tuple]] = {}
    for period_id, item_id, achieved, pct in execute(
            select(Report.period_id, ReportItem.pledge_item_id, ReportItem.achieved_value,
                   ReportItem.progress_pct)
            .join(Report, Report.id == ReportItem.report_id)
            .where(Report.campaign_id == campaign_id, *only(Report.unit_id))):
        results.setdefault(period_id, {})[item_id] = (achieved, pct)
    rows = execute(
        select(PledgeItem.id, Pledge.unit_id, PledgeItem.movement_id, PledgeItem.target_value)
        .join(Pledge, Pledge.id == PledgeItem.pledge_id)
        .where(Pledge.campaign_id == campaign_id, Pledge.state == PledgeState.APPROVED,
               *only(Pledge.unit_id))
        .order_by(PledgeItem.id)).all()
    return {period_id: [(unit_id, movement_id, target, *found.get(item_id, (None, None)))
                        for item_id, unit_id, movement_id, target in rows]
            for period_id, found in results.items()}


def rollups(campaign_id: int, unit_ids: list[int], conn=None) -> dict[tuple[int, int], tuple]:
    """{(period id, unit id): (counted, overall %, {movement id: %})} of the units, for every
    period in which the unit's report holds a result line: `progress.rollup` of the unit's
    rows of `items_by_period` (counted: the unit's pledge is approved; otherwise no figure)."""
    execute = (conn or db.session).execute
    active = execute(select(Report.period_id, Report.unit_id).distinct()
                     .join(ReportItem, ReportItem.report_id == Report.id)
                     .where(Report.campaign_id == campaign_id,
                            Report.unit_id.in_(unit_ids))).all()
    by_period = items_by_period(campaign_id, unit_ids, conn)
    grouped: dict[tuple[int, int], list[progress.ItemData]] = {}
    for period_id, rows in by_period.items():
        for unit_id, movement_id, target, achieved, pct in rows:
            grouped.setdefault((period_id, unit_id), []).append(
                progress.ItemData(movement_id, target, achieved, pct))
    out = {}
    for key in active:
        items = grouped.get(tuple(key))
        if items is None:
            out[tuple(key)] = (False, None, {})
        else:
            overall, movements = progress.rollup(items)
            out[tuple(key)] = (True, overall, movements)
    return out


# --- writing --------------------------------------------------------------------------------

def tenths(value: Decimal | None) -> int | None:
    """63.4 → 634 (the stored form); None stays None."""
    return None if value is None else int(value.scaleb(1))


def from_tenths(value: int | None) -> Decimal | None:
    """634 → Decimal('63.4'), 1000 → Decimal('100.0'): what `progress` rounds to."""
    return None if value is None else Decimal(value).scaleb(-1)


def mean_of(total_tenths: int | None, count: int) -> Decimal | None:
    """The mean of `count` stored figures summing to `total_tenths`, rounded as
    `progress.mean` rounds the same figures (exact sum, same division); None when count is 0."""
    if not count:
        return None
    return progress.mean([Decimal(total_tenths).scaleb(-1) / count])


def refresh(campaign_id: int, unit_ids: Iterable[int], conn=None) -> None:
    """Recompute and store the roll-up of these units in the campaign (every period), in the
    current transaction; `conn`: the connection to write with (the session's by default)."""
    conn = conn or db.session.connection()
    ids = sorted(set(unit_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        computed = rollups(campaign_id, chunk, conn)
        for model in (MovementProgress, UnitProgress):
            conn.execute(delete(model).where(model.campaign_id == campaign_id,
                                             model.unit_id.in_(chunk)))
        _write(conn, campaign_id, computed)


def _write(conn, campaign_id: int, computed: dict) -> None:
    units, movements = [], []
    for (period_id, unit_id), (counted, overall, by_movement) in computed.items():
        units.append({"campaign_id": campaign_id, "period_id": period_id, "unit_id": unit_id,
                      "counted": counted, "overall_tenths": tenths(overall)})
        movements.extend({"campaign_id": campaign_id, "period_id": period_id,
                          "unit_id": unit_id, "movement_id": m, "value_tenths": tenths(v)}
                         for m, v in by_movement.items())
    if units:
        conn.execute(insert(UnitProgress), units)
    if movements:
        conn.execute(insert(MovementProgress), movements)


def rebuild(campaign_id: int, conn=None) -> int:
    """Recompute the whole campaign's stored roll-up from its pledge items and report lines
    (replacing what is stored); returns the number of unit × period rows written. Does not
    commit."""
    conn = conn or db.session.connection()
    for model in (MovementProgress, UnitProgress):
        conn.execute(delete(model).where(model.campaign_id == campaign_id))
    units = sorted(conn.scalars(union(
        select(Pledge.unit_id).where(Pledge.campaign_id == campaign_id),
        select(Report.unit_id).where(Report.campaign_id == campaign_id))).all())
    for start in range(0, len(units), CHUNK):
        _write(conn, campaign_id, rollups(campaign_id, units[start:start + CHUNK], conn))
    return conn.scalar(select(func.count()).select_from(UnitProgress)
                       .where(UnitProgress.campaign_id == campaign_id)) or 0


# --- kept up to date by the session ---------------------------------------------------------

@event.listens_for(Session, "after_flush")
def _collect(session, flush_context) -> None:
    """Note the (campaign, unit) pairs whose roll-up a flush may change."""
    reports, pledges = set(), set()
    pairs = session.info.get(_DIRTY) or set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, (Report, Pledge)):
            if obj.campaign_id is not None and obj.unit_id is not None:
                pairs.add((obj.campaign_id, obj.unit_id))
        elif isinstance(obj, ReportItem) and obj.report_id is not None:
            reports.add(obj.report_id)
        elif isinstance(obj, PledgeItem) and obj.pledge_id is not None:
            pledges.add(obj.pledge_id)
    if not (pairs or reports or pledges):
        return
    conn = session.connection()
    if reports:
        pairs.update(tuple(r) for r in conn.execute(select(Report.campaign_id, Report.unit_id)
                                                    .where(Report.id.in_(reports))))
    if pledges:
        pairs.update(tuple(r) for r in conn.execute(select(Pledge.campaign_id, Pledge.unit_id)
                                                    .where(Pledge.id.in_(pledges))))
    session.info[_DIRTY] = pairs


@event.listens_for(Session, "after_flush_postexec")
def _refresh_flushed(session, flush_context) -> None:
    """Refresh the roll-up of the pairs the flush touched, on the flush's connection."""
    pairs = session.info.pop(_DIRTY, None)
    if not pairs:
        return
    by_campaign: dict[int, set[int]] = {}
    for campaign_id, unit_id in pairs:
        by_campaign.setdefault(campaign_id, set()).add(unit_id)
    conn = session.connection()
    for campaign_id, unit_ids in by_campaign.items():
        refresh(campaign_id, unit_ids, conn)


@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop(_DIRTY, None)
