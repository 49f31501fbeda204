"""Award records (khen thưởng đã nhận) and the honour roll (bảng vàng): bounded reads."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from emulation.awards.catalogue.models import AwardType
from emulation.awards.records import tally
from emulation.awards.records.models import AwardRecord, AwardTally
from emulation.core import permissions as perms
from emulation.core import search
from emulation.core.xlsx import STREAM_ROWS
from emulation.extensions import db
from emulation.org.models import Person, Unit


def award_records_query(user, year: int | None = None, person_id: int | None = None,
                        unit_id: int | None = None):
    """Award records of the people and units the user may see, newest year first (and
    newest record first within a year). A whole-tree user gets no filter, so the database
    reads them in the order of `ix_award_record_year_id` rather than sorting them."""
    stmt = select(AwardRecord)
    # VIEW_PEOPLE's roles are among VIEW_UNITS': covering every unit for people covers them
    # for units too
    if not perms.covers_every_unit(user, perms.VIEW_PEOPLE):
        people = select(Person.id).where(Person.unit_id.in_(
            perms.covered_unit_ids(user, perms.VIEW_PEOPLE)))
        stmt = stmt.where(AwardRecord.person_id.in_(people)
                          | AwardRecord.unit_id.in_(
                              perms.covered_unit_ids(user, perms.VIEW_UNITS)))
    for value, column in ((year, AwardRecord.year), (person_id, AwardRecord.person_id),
                          (unit_id, AwardRecord.unit_id)):
        if value:
            stmt = stmt.where(column == value)
    return stmt.order_by(AwardRecord.year.desc(), AwardRecord.id.desc())


def honours_query(year: int | None, code: str = "", q: str = ""):
    """Granted awards of the roll, with their person (and unit) or unit in the same query."""
    return _honours_filter(select(AwardRecord).options(
        joinedload(AwardRecord.person).joinedload(Person.unit), joinedload(AwardRecord.unit)),
        year, code, q)


def honours_rows(year: int | None, code: str = "", q: str = ""):
    """The roll as plain columns (year, award, recipient, decision, issuer, cash, kind of
    commendation) for streaming into an export: no ORM object per record (a year is ~170,000
    of them)."""
    return _honours_filter(
        select(AwardRecord.year, AwardRecord.award_code,
               func.coalesce(Person.full_name, Unit.name), AwardRecord.decision_number,
               AwardRecord.issuer, AwardRecord.cash_amount, AwardRecord.kind)
        .outerjoin(Person, Person.id == AwardRecord.person_id)
        .outerjoin(Unit, Unit.id == AwardRecord.unit_id), year, code, q)


def honours_count(year: int | None, code: str = "", q: str = "") -> int:
    """Awards on the roll for this year and award (all years / awards when not given)."""
    return db.session.scalar(_honours_filter(select(func.count(AwardRecord.id)), year, code,
                                             q).order_by(None))


def honours_stats(year: int | None) -> list:
    """(year, award code, count, cash in VND) of the roll, per year and award (every year when
    `year` is None), newest year first: read from the stored figures (`tally`), one query
    over a few hundred rows whatever the number of records."""
    total = func.sum(AwardTally.individuals + AwardTally.collectives)
    rows = db.session.execute(
        select(AwardTally.year, AwardTally.award_code, total, func.sum(AwardTally.cash))
        .where(tally.in_force(), *([AwardTally.year == year] if year else []))
        .group_by(AwardTally.year, AwardTally.award_code)
        .order_by(AwardTally.year.desc(), AwardTally.award_code)).all()
    # PostgreSQL sums a bigint as numeric: integers, as the records' own sums were
    return [(y, code, int(count), int(cash)) for y, code, count, cash in rows]


def honours_breakdown(year: int | None, years: int = 10) -> dict:
    """Awards per year by kind of commendation and by the level that decides them (the award
    type's `decided_by`, as the catalogue says now), of the `years` latest years (or of
    `year`): {"years": [...], "kinds": {kind: {year: count}}, "levels": {level: {year:
    count}}, "totals": {year: n}}. An award whose code is no longer in the catalogue counts
    under the level "" (unknown). One query, on the stored figures (`tally`)."""
    stmt = (select(AwardTally.year, AwardTally.kind,
                   func.coalesce(AwardType.decided_by, ""),
                   func.sum(AwardTally.individuals + AwardTally.collectives))
            .outerjoin(AwardType, AwardType.code == AwardTally.award_code)
            .where(tally.in_force(), *([AwardTally.year == year] if year else []))
            .group_by(AwardTally.year, AwardTally.kind, AwardType.decided_by))
    kinds: dict[str, dict[int, int]] = {}
    levels: dict[str, dict[int, int]] = {}
    rows = db.session.execute(stmt).all()
    shown = sorted({row[0] for row in rows})[-years:]
    for y, kind, level, count in rows:
        if y not in shown:
            continue
        count = int(count)
        kinds.setdefault(kind, {})[y] = kinds.get(kind, {}).get(y, 0) + count
        levels.setdefault(level, {})[y] = levels.get(level, {}).get(y, 0) + count
    totals = {y: sum(by_year.get(y, 0) for by_year in kinds.values()) for y in shown}
    return {"years": shown, "kinds": kinds, "levels": levels, "totals": totals}


def unit_stats(year: int | None):
    """Rows (year, unit code, unit name, individual awards, collective awards, cash),
    streamed: each award counted in its `counted_unit_id` (a person's unit when it was
    recorded). Summed over the index `ix_award_record_year_counted` alone, then joined to
    the units."""
    sums = (select(AwardRecord.year, AwardRecord.counted_unit_id.label("unit_id"),
                   func.count(AwardRecord.person_id).label("people"),
                   (func.count() - func.count(AwardRecord.person_id)).label("collectives"),
                   func.coalesce(func.sum(AwardRecord.cash_amount), 0).label("cash"))
            .where(AwardRecord.revoked.is_(False),
                   *([AwardRecord.year == year] if year else []))
            .group_by(AwardRecord.year, AwardRecord.counted_unit_id).subquery())
    return db.session.execute(
        select(sums.c.year, Unit.code, Unit.name, sums.c.people, sums.c.collectives,
               sums.c.cash)
        .join(Unit, Unit.id == sums.c.unit_id)
        .order_by(sums.c.year.desc(), Unit.code).execution_options(yield_per=STREAM_ROWS))


def _honours_filter(stmt, year: int | None, code: str, q: str = ""):
    """Not revoked, of the year and award asked, whose recipient matches `q`, in roll order.

    `q` is matched as the people list matches it (core.search: accents and case optional) on
    the person's name or code, the person's unit (name or code) and a collective's name or
    code."""
    stmt = stmt.where(AwardRecord.revoked.is_(False))
    if year:
        stmt = stmt.where(AwardRecord.year == year)
    if code:
        stmt = stmt.where(AwardRecord.award_code == code)
    if q:
        units = select(Unit.id).where(search.matches(Unit, q))
        people = select(Person.id).where(search.matches(Person, q) | Person.unit_id.in_(units))
        stmt = stmt.where(or_(AwardRecord.person_id.in_(people),
                              AwardRecord.unit_id.in_(units)))
    return stmt.order_by(AwardRecord.year.desc(), AwardRecord.award_code, AwardRecord.id)


def yearly_stats(year: int, group: str) -> list:
    """The year's granted awards (not revoked) for the yearly report to the level above,
    summed from the stored figures (`tally`): rows (key…, individuals, collectives, cash in
    VND), by `group`: `award` — (code, name, category, deciding level); `level` — (deciding
    level,); `kind` — (kind of commendation,). An award code missing from the catalogue
    (imported history) still counts, under its code."""
    keys = {"award": (AwardTally.award_code,
                      func.coalesce(AwardType.name, AwardTally.award_code),
                      func.coalesce(AwardType.category, ""),
                      func.coalesce(AwardType.decided_by, "")),
            "level": (func.coalesce(AwardType.decided_by, ""),),
            "kind": (AwardTally.kind,)}[group]
    rows = db.session.execute(
        select(*keys, func.sum(AwardTally.individuals), func.sum(AwardTally.collectives),
               func.sum(AwardTally.cash))
        .outerjoin(AwardType, AwardType.code == AwardTally.award_code)
        .where(tally.in_force(), AwardTally.year == year)
        .group_by(*keys).order_by(*keys)).all()
    return [(*row[:-3], int(row[-3]), int(row[-2]), int(row[-1])) for row in rows]
