"""Catalogue administration, records, and eligibility of people and units (bounded queries)."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from emulation.awards import rules as engine
from emulation.awards.models import (
    SUBJECTS,
    Appraisal,
    AwardQuota,
    AwardRecord,
    AwardRule,
    AwardType,
    Discipline,
    Initiative,
)
from emulation.core import audit
from emulation.core import permissions as perms
from emulation.core.errors import NotFound, PermissionDenied, ServiceError, check_version
from emulation.core.text import clean
from emulation.core.xlsx import STREAM_ROWS
from emulation.extensions import db
from emulation.org.models import Person, Unit

AWARD_FIELDS = ("name", "category", "subject", "level", "issuing_authority", "cash_multiple",
                "legal_reference", "note", "vote_threshold_pct", "vote_base",
                "publication_days", "active")


# --- catalogue -----------------------------------------------------------------------------------

def award_by_code(code: str) -> AwardType:
    award = db.session.scalar(select(AwardType).where(AwardType.code == clean(code)))
    if award is None:
        raise NotFound(_("No award type has the code %(code)s.", code=clean(code)))
    return award


def names() -> dict[str, str]:
    return dict(db.session.execute(select(AwardType.code, AwardType.name)).all())


def update_award(actor, award: AwardType, version, fields: dict) -> None:
    _require_admin(actor)
    check_version(award, version)
    if fields.get("subject") not in SUBJECTS:
        raise ServiceError(_("Unknown subject."))
    if not (0 < Decimal(fields["vote_threshold_pct"]) <= 100):
        raise ServiceError(_("The vote threshold must be between 0 and 100%."))
    before = {k: getattr(award, k) for k in AWARD_FIELDS}
    for key in AWARD_FIELDS:
        if key in fields:
            setattr(award, key, fields[key])
    old, new = audit.diff(before, {k: getattr(award, k) for k in AWARD_FIELDS})
    if new:
        audit.record(db.session, actor=actor, action="award.update", obj=award,
                     summary=f"award type {award.code} changed", before=old, after=new)
    db.session.commit()


def save_rule(actor, award: AwardType, rule: AwardRule | None, *, kind: str, params_text: str,
              subject: str, legal_reference: str, note: str) -> AwardRule:
    """Add or change a rule; its parameters are checked by the engine before anything is
    written."""
    _require_admin(actor)
    try:
        params = json.loads(params_text or "{}")
    except json.JSONDecodeError as err:
        raise ServiceError(_("The parameters are not valid JSON: %(error)s",
                             error=str(err))) from None
    if not isinstance(params, dict):
        raise ServiceError(_("The parameters must be a JSON object."))
    problems = engine.validate(kind, params)
    if problems:
        raise ServiceError(_("The rule cannot be evaluated: %(problems)s",
                             problems="; ".join(problems)))
    if subject not in SUBJECTS:
        raise ServiceError(_("Unknown subject."))
    before = _rule_dict(rule) if rule else None
    if rule is None:
        rule = AwardRule(position=len(award.rules) + 1)
        award.rules.append(rule)
    rule.kind, rule.subject = kind, subject
    rule.params = json.dumps(params, ensure_ascii=False, sort_keys=True)
    rule.legal_reference, rule.note = clean(legal_reference)[:255], (note or "").strip()
    db.session.flush()
    audit.record(db.session, actor=actor, action="award.rule_save", obj=award,
                 summary=f"rule {rule.position} of {award.code} saved", before=before,
                 after=_rule_dict(rule))
    db.session.commit()
    return rule


def delete_rule(actor, rule: AwardRule) -> None:
    _require_admin(actor)
    award = rule.award_type
    audit.record(db.session, actor=actor, action="award.rule_delete", obj=award,
                 summary=f"rule {rule.position} of {award.code} deleted", before=_rule_dict(rule))
    award.rules.remove(rule)
    for position, r in enumerate(award.rules, start=1):
        r.position = position
    db.session.commit()


def save_quota(actor, award: AwardType, of_code: str, max_pct: Decimal, legal_reference: str,
               note: str) -> None:
    _require_admin(actor)
    award_by_code(of_code)
    if not (0 <= max_pct <= 100):
        raise ServiceError(_("A quota is a percentage between 0 and 100."))
    quota = next((q for q in award.quotas if q.of_code == of_code), None)
    before = {"of": of_code, "max_pct": quota.max_pct} if quota else None
    if quota is None:
        quota = AwardQuota(of_code=of_code)
        award.quotas.append(quota)
    quota.max_pct, quota.legal_reference, quota.note = max_pct, clean(legal_reference), note
    audit.record(db.session, actor=actor, action="award.quota", obj=award,
                 summary=f"quota {award.code} ≤ {max_pct}% of {of_code}", before=before,
                 after={"of": of_code, "max_pct": max_pct})
    db.session.commit()


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


def engine_rules(award: AwardType) -> list[engine.Rule]:
    return [engine.Rule(r.kind, r.params_data, r.subject, r.legal_reference, r.note)
            for r in award.rules]


def _rule_dict(rule: AwardRule) -> dict:
    return {"kind": rule.kind, "subject": rule.subject, "params": rule.params,
            "legal_reference": rule.legal_reference, "note": rule.note}


def _require_admin(actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator may do this."))


# --- records for the engine (a fixed number of queries for any number of subjects) ---------------

def people_records(person_ids: list[int]) -> dict[int, engine.Records]:
    ids = list(person_ids)
    appraisals, awards = defaultdict(dict), defaultdict(list)
    initiatives, disciplines = defaultdict(list), defaultdict(list)
    for chunk in _chunks(ids):
        for pid, year, level in db.session.execute(select(
                Appraisal.person_id, Appraisal.year, Appraisal.level)
                .where(Appraisal.person_id.in_(chunk))):
            appraisals[pid][year] = level
        for pid, code, year in db.session.execute(select(
                AwardRecord.person_id, AwardRecord.award_code, AwardRecord.year)
                .where(AwardRecord.person_id.in_(chunk), AwardRecord.revoked.is_(False))):
            awards[pid].append((code, year))
        for pid, year, scope, research in db.session.execute(select(
                Initiative.person_id, Initiative.year, Initiative.scope, Initiative.is_research)
                .where(Initiative.person_id.in_(chunk))):
            initiatives[pid].append((year, scope, research))
        for pid, level, start, end in db.session.execute(select(
                Discipline.person_id, Discipline.level, Discipline.starts_on, Discipline.ends_on)
                .where(Discipline.person_id.in_(chunk))):
            disciplines[pid].append((level, start, end))
    return {pid: engine.Records("individual", appraisals[pid], tuple(awards[pid]),
                                tuple(initiatives[pid]), tuple(disciplines[pid]))
            for pid in ids}


def units_records(unit_ids: list[int], year: int,
                  ranks: dict[int, int] | None = None) -> dict[int, engine.Records]:
    """A unit's own appraisals and awards, and its members' figures for the year (members are
    the active people of the unit itself)."""
    ids = list(unit_ids)
    appraisals, awards = defaultdict(dict), defaultdict(list)
    totals, completed, appraised = defaultdict(int), defaultdict(int), defaultdict(int)
    member_awards = defaultdict(lambda: defaultdict(int))
    disciplined = defaultdict(lambda: defaultdict(int))
    start, end = date(year, 1, 1), date(year, 12, 31)
    for chunk in _chunks(ids):
        for uid, y, level in db.session.execute(select(
                Appraisal.unit_id, Appraisal.year, Appraisal.level)
                .where(Appraisal.unit_id.in_(chunk))):
            appraisals[uid][y] = level
        for uid, code, y in db.session.execute(select(
                AwardRecord.unit_id, AwardRecord.award_code, AwardRecord.year)
                .where(AwardRecord.unit_id.in_(chunk), AwardRecord.revoked.is_(False))):
            awards[uid].append((code, y))
        for uid, n in db.session.execute(select(Person.unit_id, func.count(Person.id))
                                         .where(Person.unit_id.in_(chunk),
                                                Person.active.is_(True))
                                         .group_by(Person.unit_id)):
            totals[uid] = n
        for uid, n, done in db.session.execute(
                select(Person.unit_id, func.count(Appraisal.id),
                       func.sum(case((Appraisal.level != "incomplete", 1), else_=0)))
                .join(Appraisal, Appraisal.person_id == Person.id)
                .where(Person.unit_id.in_(chunk), Person.active.is_(True), Appraisal.year == year)
                .group_by(Person.unit_id)):
            appraised[uid], completed[uid] = n, int(done or 0)
        for uid, code, n in db.session.execute(
                select(Person.unit_id, AwardRecord.award_code,
                       func.count(func.distinct(AwardRecord.person_id)))
                .join(AwardRecord, AwardRecord.person_id == Person.id)
                .where(Person.unit_id.in_(chunk), Person.active.is_(True),
                       AwardRecord.year == year, AwardRecord.revoked.is_(False))
                .group_by(Person.unit_id, AwardRecord.award_code)):
            member_awards[uid][code] = n
        for uid, level, n in db.session.execute(
                select(Person.unit_id, Discipline.level,
                       func.count(func.distinct(Discipline.person_id)))
                .join(Discipline, Discipline.person_id == Person.id)
                .where(Person.unit_id.in_(chunk), Discipline.starts_on <= end,
                       Discipline.ends_on >= start)
                .group_by(Person.unit_id, Discipline.level)):
            disciplined[uid][level] = n
    ranks = ranks or {}
    return {uid: engine.Records(
        "collective", appraisals[uid], tuple(awards[uid]),
        # Completion is known only when every member has an appraisal for the year.
        members=engine.MemberStats(totals[uid], completed[uid] if totals[uid] and
                                   appraised[uid] >= totals[uid] else None,
                                   dict(member_awards[uid]), dict(disciplined[uid])),
        rank=ranks.get(uid)) for uid in ids}


def check_person(award: AwardType, person: Person, year: int) -> engine.Verdict:
    records = people_records([person.id])[person.id]
    return engine.check(engine_rules(award), records, year, names())


def check_unit(award: AwardType, unit: Unit, year: int,
               rank: int | None = None) -> engine.Verdict:
    records = units_records([unit.id], year, {unit.id: rank} if rank else None)[unit.id]
    return engine.check(engine_rules(award), records, year, names())


def _chunks(ids: list[int], size: int = 900):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


# --- the honour roll (bảng vàng) ---------------------------------------------------------------

def honours_query(year: int | None, code: str = ""):
    """Granted awards of the roll, with their person (and unit) or unit in the same query."""
    return _honours_filter(select(AwardRecord).options(
        joinedload(AwardRecord.person).joinedload(Person.unit), joinedload(AwardRecord.unit)),
        year, code)


def honours_rows(year: int | None, code: str = ""):
    """The roll as plain columns (year, award, recipient, decision, issuer, cash) for
    streaming into an export: no ORM object per record (a year is ~170,000 of them)."""
    return _honours_filter(
        select(AwardRecord.year, AwardRecord.award_code,
               func.coalesce(Person.full_name, Unit.name), AwardRecord.decision_number,
               AwardRecord.issuer, AwardRecord.cash_amount)
        .outerjoin(Person, Person.id == AwardRecord.person_id)
        .outerjoin(Unit, Unit.id == AwardRecord.unit_id), year, code)


def honours_stats(year: int | None) -> list:
    """(year, award code, count, cash) of the roll, per year and award."""
    return db.session.execute(
        select(AwardRecord.year, AwardRecord.award_code, func.count(AwardRecord.id),
               func.coalesce(func.sum(AwardRecord.cash_amount), 0))
        .where(AwardRecord.revoked.is_(False), *([AwardRecord.year == year] if year else []))
        .group_by(AwardRecord.year, AwardRecord.award_code)
        .order_by(AwardRecord.year.desc(), AwardRecord.award_code)).all()


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


def _honours_filter(stmt, year: int | None, code: str):
    """Not revoked, of the year and award asked, in roll order."""
    stmt = stmt.where(AwardRecord.revoked.is_(False))
    if year:
        stmt = stmt.where(AwardRecord.year == year)
    if code:
        stmt = stmt.where(AwardRecord.award_code == code)
    return stmt.order_by(AwardRecord.year.desc(), AwardRecord.award_code, AwardRecord.id)
