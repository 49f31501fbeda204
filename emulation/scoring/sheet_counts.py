"""Stored counts of score sheets per (campaign, kind, state), kept in the transaction that
changes a sheet, so the scoring hub reads three rows instead of counting 200,000 sheets.

Kept up to date by mapper events on `ScoreSheet` (every ORM insert, update of its campaign,
kind or state, and delete — services, imports, admin alike): each adds its ±1 to the row of
`score_sheet_count` with an upsert on the flush's own connection, so the count commits or
rolls back with the sheet. Bulk SQL that bypasses the ORM (the bench's generator, the demo
reset) calls `rebuild` itself. A campaign's rows go with it (ON DELETE CASCADE).

Concurrency: the upsert is `count = count + delta`, so two transactions changing sheets of
the same kind and state wait for each other's commit on that one row (no count is lost).
"""
from __future__ import annotations

from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.orm import attributes

from emulation.core.counters import increment
from emulation.extensions import db
from emulation.scoring.models import ScoreSheet, SheetCount

KEY = ("campaign_id", "scorer_kind", "state")


def _add(connection, key: tuple, delta: int) -> None:
    """Add `delta` to the count of `key` (campaign id, kind, state), made at 0 if absent."""
    increment(connection, SheetCount.__table__, KEY, ("sheets",),
              [{"campaign_id": key[0], "scorer_kind": key[1], "state": key[2],
                "sheets": delta}])


def _old_key(target) -> tuple:
    """The (campaign, kind, state) the sheet had in the database before this flush."""
    values = []
    for name in KEY:
        history = attributes.get_history(target, name)
        values.append(history.deleted[0] if history.deleted
                      else (history.unchanged or history.added or [None])[0])
    return tuple(values)


def _new_key(target) -> tuple:
    return tuple(getattr(target, name) for name in KEY)


@event.listens_for(ScoreSheet, "after_insert")
def _inserted(_mapper, connection, target) -> None:
    _add(connection, _new_key(target), 1)


@event.listens_for(ScoreSheet, "after_update")
def _updated(_mapper, connection, target) -> None:
    old, new = _old_key(target), _new_key(target)
    if old != new:
        _add(connection, old, -1)
        _add(connection, new, 1)


@event.listens_for(ScoreSheet, "after_delete")
def _deleted(_mapper, connection, target) -> None:
    _add(connection, _old_key(target), -1)


def counts_of(campaign_id: int) -> dict[tuple[str, str], int]:
    """(kind, state) → how many of the campaign's sheets, as stored (the groups holding at
    least one sheet, as `GROUP BY` gives them). One query."""
    return {(k, s): n for k, s, n in db.session.execute(
        select(SheetCount.scorer_kind, SheetCount.state, SheetCount.sheets)
        .where(SheetCount.campaign_id == campaign_id, SheetCount.sheets > 0))}


def counted(campaign_id: int) -> dict[tuple[str, str], int]:
    """The reference: (kind, state) → how many sheets, counted from the sheets themselves."""
    return {(k, s): n for k, s, n in db.session.execute(
        select(ScoreSheet.scorer_kind, ScoreSheet.state, func.count())
        .where(ScoreSheet.campaign_id == campaign_id)
        .group_by(ScoreSheet.scorer_kind, ScoreSheet.state))}


def rebuild(campaign_id: int | None = None) -> None:
    """Recount the stored counts of one campaign (or of all) from the sheets; not committed."""
    only = [] if campaign_id is None else [SheetCount.campaign_id == campaign_id]
    db.session.execute(delete(SheetCount).where(*only))
    source = select(ScoreSheet.campaign_id, ScoreSheet.scorer_kind, ScoreSheet.state,
                    func.count()).group_by(ScoreSheet.campaign_id, ScoreSheet.scorer_kind,
                                           ScoreSheet.state)
    if campaign_id is not None:
        source = source.where(ScoreSheet.campaign_id == campaign_id)
    db.session.execute(insert(SheetCount).from_select([*KEY, "sheets"], source))
