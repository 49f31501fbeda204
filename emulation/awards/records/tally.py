"""Stored figures of the honour roll: the awards in force per year, award code and kind of
commendation (`award_tally`: individuals, collectives, cash in VND), so that the roll's
statistics and its per-year charts read a few hundred rows instead of grouping a year's award
records (≈ 860,000 at national scale) on every view.

Kept up to date inside the transaction that changes the records: every flush that inserts,
changes (revokes, corrects) or deletes an award record — or deletes a person or unit, whose
records the database deletes with it — adds the difference it makes to the keys concerned
(`_before`/`_after`, session events: decisions, imports, API, admin alike). The difference is
read from the database itself (the rows before the flush, the rows after it), so it holds
whatever attributes were loaded or set. It is applied as an increment (`INSERT … ON CONFLICT
DO UPDATE SET n = n + …`, keys in order), so two transactions granting at once both count.

Bulk SQL that bypasses the ORM (the bench's generator, the demo reset) calls `rebuild`
itself; `flask honours rebuild` recomputes everything from the records (audited).

The reference is `recompute` (what the roll computed on every view); the tests compare both.
"""
from __future__ import annotations

from sqlalchemy import delete, event, func, or_, select
from sqlalchemy.orm import Session

from emulation.awards.records.models import AwardRecord, AwardTally
from emulation.core.counters import increment
from emulation.extensions import db
from emulation.org.models import Person, Unit

CHUNK = 500  # record ids per query (bounded IN lists)
_BEFORE = "award_tally.before"

Key = tuple[int, str, str]  # (year, award code, kind)
Figures = tuple[int, int, int]  # (individuals, collectives, cash)


def _contribution_columns():
    return (AwardRecord.id, AwardRecord.year, AwardRecord.award_code, AwardRecord.kind,
            AwardRecord.person_id.is_not(None), func.coalesce(AwardRecord.cash_amount, 0),
            AwardRecord.revoked)


def _figures(rows) -> dict[int, tuple[Key, Figures]]:
    """{record id: (key, figures)} of the rows of `_contribution_columns` in force."""
    return {rid: ((year, code, kind), (1, 0, cash) if person else (0, 1, cash))
            for rid, year, code, kind, person, cash, revoked in rows if not revoked}


# --- the reference computation --------------------------------------------------------------

def recompute(conn=None) -> dict[Key, Figures]:
    """{(year, award code, kind): (individuals, collectives, cash)} of the records in force,
    grouped in the database: what the stored table must hold (keys with a count only)."""
    execute = (conn or db.session).execute
    rows = execute(_grouped())
    return {(y, code, kind): (int(i), int(c), int(cash)) for y, code, kind, i, c, cash in rows}


def _grouped():
    return (select(AwardRecord.year, AwardRecord.award_code, AwardRecord.kind,
                   func.count(AwardRecord.person_id),
                   func.count() - func.count(AwardRecord.person_id),
                   func.coalesce(func.sum(AwardRecord.cash_amount), 0))
            .where(AwardRecord.revoked.is_(False))
            .group_by(AwardRecord.year, AwardRecord.award_code, AwardRecord.kind))


def stored(conn=None) -> dict[Key, Figures]:
    """The stored figures, as `recompute` returns them (keys whose counts fell to 0 left
    out)."""
    execute = (conn or db.session).execute
    rows = execute(select(AwardTally.year, AwardTally.award_code, AwardTally.kind,
                          AwardTally.individuals, AwardTally.collectives, AwardTally.cash)
                   .where(in_force()))
    return {(y, code, kind): (i, c, int(cash)) for y, code, kind, i, c, cash in rows}


# --- writing --------------------------------------------------------------------------------

def rebuild(conn=None) -> int:
    """Replace the stored figures by those recomputed from every award record, in one
    `INSERT … SELECT` (set-based: seconds for millions of records); returns the number of
    keys stored. Does not commit."""
    conn = conn or db.session.connection()
    conn.execute(delete(AwardTally))
    conn.execute(AwardTally.__table__.insert().from_select(
        ["year", "award_code", "kind", "individuals", "collectives", "cash"], _grouped()))
    return conn.scalar(select(func.count()).select_from(AwardTally)) or 0


def add(conn, deltas: dict[Key, Figures]) -> None:
    """Add `deltas` to the stored figures (a missing key is inserted), keys in order so that
    two transactions never wait on each other crosswise."""
    rows = [{"year": y, "award_code": code, "kind": kind, "individuals": i,
             "collectives": c, "cash": cash}
            for (y, code, kind), (i, c, cash) in sorted(deltas.items())
            if (i, c, cash) != (0, 0, 0)]
    if not rows:
        return
    increment(conn, AwardTally.__table__, ("year", "award_code", "kind"),
              ("individuals", "collectives", "cash"), rows)


# --- kept up to date by the session ---------------------------------------------------------

def _in_chunks(conn, ids, where) -> dict[int, tuple[Key, Figures]]:
    out: dict[int, tuple[Key, Figures]] = {}
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        out.update(_figures(conn.execute(select(*_contribution_columns())
                                         .where(where(ids[start:start + CHUNK])))))
    return out


@event.listens_for(Session, "before_flush")
def _before(session, flush_context, instances) -> None:
    """Read, before the flush writes them, the records it may change or delete (those of a
    deleted person or unit included: the database deletes them with it)."""
    records, people, units = set(), set(), set()
    for obj in session.dirty:
        if isinstance(obj, AwardRecord) and obj.id is not None:
            records.add(obj.id)
    for obj in session.deleted:
        if isinstance(obj, AwardRecord) and obj.id is not None:
            records.add(obj.id)
        elif isinstance(obj, Person) and obj.id is not None:
            people.add(obj.id)
        elif isinstance(obj, Unit) and obj.id is not None:
            units.add(obj.id)
    if not (records or people or units):
        return
    conn = session.connection()
    before = _in_chunks(conn, records, AwardRecord.id.in_) if records else {}
    if people or units:
        before.update(_figures(conn.execute(select(*_contribution_columns()).where(or_(
            AwardRecord.person_id.in_(sorted(people)), AwardRecord.unit_id.in_(sorted(units)))))))
    session.info[_BEFORE] = (records, before)


@event.listens_for(Session, "after_flush")
def _after(session, flush_context) -> None:
    """Add the difference the flush made (rows after − rows before) to the stored figures."""
    records, before = session.info.pop(_BEFORE, (set(), {}))
    ids = set(records) | set(before)
    ids.update(obj.id for obj in (*session.new, *session.dirty)
               if isinstance(obj, AwardRecord) and obj.id is not None)
    if not ids:
        return
    conn = session.connection()
    after = _in_chunks(conn, ids, AwardRecord.id.in_)
    deltas: dict[Key, list[int]] = {}
    for sign, figures in ((-1, before), (1, after)):
        for key, values in figures.values():
            total = deltas.setdefault(key, [0, 0, 0])
            for n, value in enumerate(values):
                total[n] += sign * value
    add(conn, {key: tuple(v) for key, v in deltas.items()})


@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop(_BEFORE, None)


# --- reading ----------------------------------------------------------------------------------

def in_force():
    """The stored keys holding at least one award (a condition for the readers)."""
    return AwardTally.individuals + AwardTally.collectives > 0

