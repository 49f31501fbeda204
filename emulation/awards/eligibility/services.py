"""Eligibility of people and units: their records read in a fixed number of queries for any
number of subjects, then judged by the pure engine (`engine.py`)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from emulation.awards.catalogue.models import AwardRule, AwardType
from emulation.awards.catalogue.services import names
from emulation.awards.eligibility import engine
from emulation.awards.records.models import Appraisal, AwardRecord, Discipline, Initiative
from emulation.extensions import db
from emulation.org.models import Person, Unit

# the years eligibility is checked for (a nomination's years, nominations.services)
FIRST_YEAR, LAST_YEAR = 1950, 2100

if TYPE_CHECKING:
    from emulation.awards.nominations.models import Nomination


def engine_rules(award: AwardType, year: int | None = None) -> list[engine.Rule]:
    """The award's rules for a nomination's year: those of the rule set in force then (see
    `rule_set_in_force`) and those that belong to no set (they apply to any year)."""
    chosen = rule_set_in_force(award, year) if year is not None else None
    return [engine.Rule(r.kind, r.params_data, r.subject, r.legal_reference, r.note)
            for r in award.rules
            if r.rule_set is None or chosen is None or r.rule_set.code == chosen.code]


def rule_set_in_force(award: AwardType, year: int) -> engine.RuleSet | None:
    """The rule set that judges this award for the year, among the sets that hold its rules
    (None when its rules belong to no set)."""
    sets = {r.rule_set.code: r.rule_set for r in award.rules if r.rule_set is not None}
    return engine.rule_set_for([_engine_set(s) for s in sets.values()], year)


def judge(award: AwardType, records: engine.Records, year: int,
          award_names: dict[str, str] | None = None,
          commendation: str = "regular") -> engine.Verdict:
    """The award's verdict for these records and year: the rule set in force for the year, the
    subject kinds the award takes, its code (initiatives that backed another award do not
    count), for the kind of commendation asked (`engine.check`: only a regular one is judged
    by the catalogue's rules)."""
    return engine.check(engine_rules(award, year), records, year,
                        names() if award_names is None else award_names,
                        subjects=subjects_of(award), award=award.code,
                        rule_set=rule_set_in_force(award, year), commendation=commendation)


def subjects_of(award: AwardType) -> tuple[str, ...]:
    """The subject kinds an award takes ('both' is an individual or a collective)."""
    return engine.SUBJECT_KINDS if award.subject == "both" else (award.subject,)


def _engine_set(rule_set) -> engine.RuleSet:
    return engine.RuleSet(rule_set.code, rule_set.name, rule_set.legal_source,
                          rule_set.valid_from, rule_set.valid_to)


def people_records(person_ids: list[int]) -> dict[int, engine.Records]:
    """Each person's records for the engine, in a fixed number of queries per 900 people. An
    initiative is (year, scope, is_research, award code, award year, id): the award that
    consumed it (`Initiative.used_by_award_id`, when not revoked), else None twice."""
    ids = list(person_ids)
    appraisals, awards = defaultdict(dict), defaultdict(list)
    initiatives, disciplines = defaultdict(list), defaultdict(list)
    for chunk in _chunks(ids):
        for pid, year, level in db.session.execute(select(
                Appraisal.person_id, Appraisal.year, Appraisal.level)
                .where(Appraisal.person_id.in_(chunk))):
            appraisals[pid][year] = level
        for pid, code, year, kind in db.session.execute(select(
                AwardRecord.person_id, AwardRecord.award_code, AwardRecord.year, AwardRecord.kind)
                .where(AwardRecord.person_id.in_(chunk), AwardRecord.revoked.is_(False))):
            awards[pid].append((code, year, kind))
        for pid, year, scope, research, iid, code, award_year in db.session.execute(select(
                Initiative.person_id, Initiative.year, Initiative.scope, Initiative.is_research,
                Initiative.id, AwardRecord.award_code, AwardRecord.year)
                .outerjoin(AwardRecord, (AwardRecord.id == Initiative.used_by_award_id)
                           & AwardRecord.revoked.is_(False))
                .where(Initiative.person_id.in_(chunk)).order_by(Initiative.id)):
            initiatives[pid].append((year, scope, research, code, award_year, iid))
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
        for uid, code, y, kind in db.session.execute(select(
                AwardRecord.unit_id, AwardRecord.award_code, AwardRecord.year, AwardRecord.kind)
                .where(AwardRecord.unit_id.in_(chunk), AwardRecord.revoked.is_(False))):
            awards[uid].append((code, y, kind))
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


def history(kind: str, subject_id: int) -> dict[str, list]:
    """What the eligibility page shows of a person ('individual') or a unit ('collective'):
    {"appraisals", "awards", "initiatives", "disciplines"}, newest first (a unit has no
    initiatives or discipline of its own); each initiative with the award it backed
    (`used_by`, shown while not revoked)."""
    owner = {"individual": "person_id", "collective": "unit_id"}[kind]

    def newest_first(model, order, *options):
        return list(db.session.scalars(select(model).where(
            getattr(model, owner) == subject_id).order_by(order.desc()).options(*options)))

    records = {"appraisals": newest_first(Appraisal, Appraisal.year),
               "awards": newest_first(AwardRecord, AwardRecord.year),
               "initiatives": [], "disciplines": []}
    if kind == "individual":
        records["initiatives"] = newest_first(Initiative, Initiative.year,
                                              selectinload(Initiative.used_by))
        records["disciplines"] = newest_first(Discipline, Discipline.starts_on)
    return records


def award_for(kind: str, code: str) -> AwardType | None:
    """The award type with this code if it may be given to `kind`, else None."""
    if not code:
        return None
    award = db.session.scalar(select(AwardType).where(AwardType.code == code[:20]))
    return award if award is not None and award.subject in (kind, "both") else None


def check_person(award: AwardType, person: Person, year: int) -> engine.Verdict:
    records = people_records([person.id])[person.id]
    return judge(award, records, year)


def check_unit(award: AwardType, unit: Unit, year: int,
               rank: int | None = None) -> engine.Verdict:
    records = units_records([unit.id], year, {unit.id: rank} if rank else None)[unit.id]
    return judge(award, records, year)


def _chunks(ids: list[int], size: int = 900):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def check_batch(nominations: list[Nomination]) -> dict[int, engine.Verdict]:
    """Every nomination checked in one go: records loaded with a fixed number of queries."""
    from emulation.scoring.models import RankingEntry

    award_names = names()
    by_year_units: dict[int, set[int]] = defaultdict(set)
    for n in nominations:
        if n.unit_id:
            by_year_units[n.year].add(n.unit_id)
    people = people_records([n.person_id for n in nominations if n.person_id])
    ranks = dict(db.session.execute(select(RankingEntry.unit_id, RankingEntry.rank).where(
        RankingEntry.campaign_id.in_({n.campaign_id for n in nominations if n.campaign_id})
    )).all()) if any(n.unit_id and n.campaign_id for n in nominations) else {}
    units = {year: units_records(sorted(ids), year, ranks)
             for year, ids in by_year_units.items()}
    awards = {a.id: a for a in db.session.scalars(
        select(AwardType).where(AwardType.id.in_({n.award_type_id for n in nominations}))
        .options(selectinload(AwardType.rules).joinedload(AwardRule.rule_set)))}
    result = {}
    for n in nominations:
        records = people[n.person_id] if n.person_id else units[n.year][n.unit_id]
        # a caller's light row without a kind (an export's) is judged as a regular one
        result[n.id] = judge(awards[n.award_type_id], records, n.year, award_names,
                             commendation=getattr(n, "kind", None) or "regular")
    return result


def overlap_warnings(nominations: list[Nomination]) -> dict[int, list[str]]:
    """Warnings per nomination, in two queries for any number: another commendation form
    proposed for the same subject and year (one achievement, one form: Law 06/2022 Art. 5.2),
    and the same award of the same kind (regular, one-off…) already granted to the subject
    for the year."""
    from emulation.awards.decisions.models import DecisionItem
    from emulation.awards.nominations.models import Nomination as NominationModel

    warnings: dict[int, list[str]] = {n.id: [] for n in nominations}
    if not nominations:
        return warnings
    people = {n.person_id for n in nominations if n.person_id}
    units = {n.unit_id for n in nominations if n.unit_id}
    years = {n.year for n in nominations}
    others = db.session.execute(
        select(NominationModel.id, NominationModel.person_id, NominationModel.unit_id,
               NominationModel.year, AwardType.name)
        .join(AwardType, AwardType.id == NominationModel.award_type_id)
        .where(AwardType.category == "commendation", NominationModel.state != "withdrawn",
               NominationModel.year.in_(years),
               NominationModel.person_id.in_(people) | NominationModel.unit_id.in_(units))
        .order_by(NominationModel.id)).all()
    held = db.session.execute(
        select(AwardRecord.person_id, AwardRecord.unit_id, AwardRecord.year,
               AwardRecord.award_code, AwardRecord.kind, AwardRecord.decision_number,
               DecisionItem.nomination_id)
        .outerjoin(DecisionItem, DecisionItem.award_record_id == AwardRecord.id)
        .where(AwardRecord.revoked.is_(False), AwardRecord.year.in_(years),
               AwardRecord.person_id.in_(people) | AwardRecord.unit_id.in_(units))).all()
    for n in nominations:
        subject = (n.person_id, n.unit_id, n.year)
        if n.award_type.category == "commendation":
            for other_id, person_id, unit_id, year, name in others:
                if other_id != n.id and (person_id, unit_id, year) == subject:
                    warnings[n.id].append(_(
                        "Also proposed for %(award)s for %(year)s (dossier #%(id)s): one "
                        "achievement is commended with one form only (Law 06/2022 Art. 5.2).",
                        award=name, year=year, id=other_id))
        # the same award of the same kind: a one-off (đột xuất) commendation does not make
        # the year's regular one a duplicate, nor the other way round (Law 06/2022 Art. 8)
        kind = getattr(n, "kind", None) or "regular"
        for person_id, unit_id, year, code, held_kind, number, from_nomination in held:
            if (person_id, unit_id, year) == subject and code == n.award_type.code \
                    and held_kind == kind and from_nomination != n.id:
                warnings[n.id].append(_(
                    "Already holds %(award)s for %(year)s (decision %(number)s).",
                    award=n.award_type.name, year=year, number=number or "—"))
    return warnings


def quota_results(nominations: list[Nomination],
                  award_names: dict[str, str] | None = None) -> list[engine.QuotaResult]:
    """The quotas of the awards these nominations propose, each counted over the whole set of
    its unit and year, not only over these nominations (a page of a list, a decision).

    The unit is the nomination's proposing unit or, for a quota given per level
    (`AwardQuota.unit_kind`), its nearest enclosing unit of that kind; it counts with its
    sub-units (`Unit.path`). A share of awards counts the base award granted (not revoked,
    where `AwardRecord.counted_unit_id` puts it) and still nominated (not withdrawn, not yet
    granted); a share of headcount counts the active people of the unit and its sub-units
    today (there is no membership history); awards of the capped type already granted take
    their places before its nominations, which are beyond the quota in the order they were
    made. Quotas not in force for the year (`engine.quota_in_force`) are skipped; a result
    with nothing granted or nominated is left out. Each result's `unit` is the counted
    unit's id. A fixed number of queries per quota and year, whatever the number of units."""
    groups: dict[tuple[int, int], set[int]] = defaultdict(set)
    awards: dict[int, AwardType] = {}
    for n in nominations:
        if n.state != "withdrawn" and n.award_type.quotas:
            groups[(n.award_type_id, n.year)].add(n.proposing_unit_id)
            awards[n.award_type_id] = n.award_type
    if not groups:
        return []
    units = _units_and_ancestors({uid for ids in groups.values() for uid in ids})
    award_names = names() if award_names is None else award_names
    results = []
    for (award_id, year), proposing in sorted(groups.items()):
        award = awards[award_id]
        for quota in award.quotas:
            if not engine.quota_in_force(quota.valid_from, quota.valid_to, year):
                continue
            scopes = {scope.id: scope for uid in proposing
                      if (scope := _quota_unit(units, uid, quota.unit_kind)) is not None}
            if not scopes:
                continue
            tallies = _quota_tallies(award.code, quota, year, list(scopes.values()))
            rule = engine_quota(award.code, quota)
            for scope in sorted(scopes.values(), key=lambda u: u.path):
                result = engine.evaluate_quota(rule, tallies[scope.id], award_names)
                if result.count:
                    result.unit = scope.id
                    results.append(result)
    return results


def engine_quota(code: str, quota) -> engine.Quota:
    """The engine's quota from an `AwardQuota` row of the award `code`."""
    return engine.Quota(code, quota.base, quota.of_code or "", quota.max_pct, quota.max_count,
                        quota.rounding, quota.legal_reference, bool(quota.is_example))


def _units_and_ancestors(unit_ids: set[int]) -> dict[int, Unit]:
    """The units and every unit above them, by id (two queries)."""
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    above = {a for u in units.values() for a in u.ancestor_ids} - set(units)
    if above:
        units.update({u.id: u for u in db.session.scalars(select(Unit).where(
            Unit.id.in_(above)))})
    return units


def _quota_unit(units: dict[int, Unit], unit_id: int, kind: str) -> Unit | None:
    """The unit a quota counts over for a nomination proposed by `unit_id`: that unit, or its
    nearest enclosing unit (itself included) of `kind`; None when it has none."""
    unit = units.get(unit_id)
    if unit is None or not kind:
        return unit
    for uid in [unit.id, *reversed(unit.ancestor_ids)]:
        if uid in units and units[uid].kind == kind:
            return units[uid]
    return None


def _quota_tallies(code: str, quota, year: int,
                   scopes: list[Unit]) -> dict[int, engine.QuotaTally]:
    """Each scope unit's tally for the quota and year, its sub-units included: counts read
    per unit in grouped queries, then added up the tree in Python by path."""
    from emulation.awards.nominations.models import Nomination as NominationModel

    def inside(column):
        return or_(*(column.startswith(s.path) for s in scopes))

    def held():  # the nominated subject already holds the nominated award for the year
        return select(AwardRecord.id).where(
            AwardRecord.award_code == AwardType.code, AwardRecord.year == NominationModel.year,
            AwardRecord.kind == NominationModel.kind, AwardRecord.revoked.is_(False),
            or_(AwardRecord.person_id == NominationModel.person_id,
                AwardRecord.unit_id == NominationModel.unit_id)).exists()

    def nominations(award_code: str, *columns):
        return (select(*columns)
                .join(AwardType, AwardType.id == NominationModel.award_type_id)
                .join(Unit, Unit.id == NominationModel.proposing_unit_id)
                .where(AwardType.code == award_code, NominationModel.year == year,
                       NominationModel.state != "withdrawn", ~held(), inside(Unit.path)))

    codes = {code} | ({quota.of_code} if quota.base == "awards" else set())
    granted = db.session.execute(
        select(Unit.path, AwardRecord.award_code, func.count(AwardRecord.id))
        .join(Unit, Unit.id == AwardRecord.counted_unit_id)
        .where(AwardRecord.year == year, AwardRecord.revoked.is_(False),
               AwardRecord.award_code.in_(codes), inside(Unit.path))
        .group_by(Unit.path, AwardRecord.award_code)).all()
    pending = db.session.execute(nominations(code, NominationModel.id, Unit.path)
                                 .order_by(NominationModel.id)).all()
    base_nominated = db.session.execute(
        nominations(quota.of_code, Unit.path, func.count(NominationModel.id))
        .group_by(Unit.path)).all() if quota.base == "awards" else []
    headcount = db.session.execute(
        select(Unit.path, func.count(Person.id)).join(Unit, Unit.id == Person.unit_id)
        .where(Person.active.is_(True), inside(Unit.path))
        .group_by(Unit.path)).all() if quota.base == "headcount" else []
    tallies = {}
    for scope in scopes:
        def total(rows, scope=scope):
            return sum(n for path, n in rows if path.startswith(scope.path))
        tallies[scope.id] = engine.QuotaTally(
            base_granted=total([(p, n) for p, c, n in granted if c == quota.of_code])
            if quota.base == "awards" else 0,
            base_nominated=total(base_nominated), headcount=total(headcount),
            granted=total([(p, n) for p, c, n in granted if c == code]),
            pending=tuple(nid for nid, path in pending if path.startswith(scope.path)),
            unit=scope.name, year=year)
    return tallies


def serialise(verdict: engine.Verdict) -> dict:
    """A verdict as stored with a nomination: the answer, the rule set and each rule's result."""
    rule_set = verdict.rule_set
    return {"eligible": verdict.eligible,
            "rule_set": {"code": rule_set.code, "name": rule_set.name,
                         "legal_source": rule_set.legal_source} if rule_set else None,
            "rules": [{"kind": r.kind, "passed": r.passed, "vi": r.message_vi,
                       "en": r.message_en, "legal_reference": r.legal_reference}
                      for r in verdict.rules]}
