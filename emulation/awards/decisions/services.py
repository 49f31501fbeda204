"""Publication (công khai), objections, decisions (quyết định) and the honour roll."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from emulation.auth.models import User
from emulation.awards.catalogue.enums import DecidingLevel
from emulation.awards.catalogue.models import AwardType
from emulation.awards.councils.models import AgendaItem, CouncilMeeting
from emulation.awards.decisions.cash import cash_amount, multiple_for, pay_highest_title
from emulation.awards.decisions.models import (
    BaseSalary,
    Decision,
    DecisionItem,
    Objection,
    Publication,
)
from emulation.awards.nominations.models import Nomination
from emulation.awards.records.enums import CommendationKind
from emulation.awards.records.models import AwardRecord, Initiative
from emulation.core import audit, signals
from emulation.core import permissions as perms
from emulation.core.calendar import add_working_days, holidays
from emulation.core.errors import (
    Conflict,
    InvalidState,
    NotFound,
    PermissionDenied,
    ServiceError,
    check_version,
)
from emulation.core.formatting import fmt_date, fmt_number
from emulation.core.integrity import conflict_on_duplicate
from emulation.core.text import clean, clean_block
from emulation.core.web import local_today
from emulation.extensions import db
from emulation.org.models import Unit

ORGANISER = ("organiser",)
# What a decision of the app may grant (DESIGN.md §4, "Who decides"): the top unit of the tree
# acts at the level of a ministry or central mass organisation (a central sector union, the
# Tổng Liên đoàn); every unit below it is an agency or unit whose head decides the grassroots
# titles and forms. Nothing here decides a state award: it is proposed upward.
TOP_UNIT_LEVELS = ("unit", "ministry", "union_central")
UNIT_LEVELS = ("unit",)
# A nomination sent to the superior is out of this organisation's decisions.
UPWARD_STATES = ("submitted_up", "granted_up", "declined_up")
# Đột xuất: the simplified procedure, without a publication period (see `grantable`).
SIMPLIFIED_KINDS = ("one_off",)
# Dates in the sentences of this module: dd/mm/yyyy (Babel pattern), as Vietnamese documents
DAY = "dd/MM/yyyy"


def deciding_levels(unit: Unit) -> tuple[str, ...]:
    """The deciding levels (`DecidingLevel` values) of the awards a decision issued by `unit`
    may grant: `TOP_UNIT_LEVELS` for the root of the unit tree, `UNIT_LEVELS` for any other
    unit; never `state`."""
    return TOP_UNIT_LEVELS if unit.parent_id is None else UNIT_LEVELS


def may_decide(unit: Unit, award: AwardType) -> bool:
    """Whether a decision of `unit` may grant `award` (its `decided_by` is among
    `deciding_levels(unit)`); an award it may not decide is proposed upward."""
    return award.decided_by in deciding_levels(unit)


def base_salary_on(day: date) -> int | None:
    return db.session.scalar(select(BaseSalary.amount).where(BaseSalary.effective_from <= day)
                             .order_by(BaseSalary.effective_from.desc()).limit(1))


# --- publication and objections ----------------------------------------------------------------

def publication_of(meeting: CouncilMeeting) -> Publication | None:
    """The publication of the meeting's passed list, or None while it is not published."""
    return db.session.scalar(select(Publication).where(Publication.meeting_id == meeting.id))


def may_publish(user, meeting: CouncilMeeting) -> bool:
    """May `user` publish the meeting's list: an organiser of the council's unit, once the
    ballot is closed and while the list is not published (what `publish` accepts; the page
    shows the button only then)."""
    return (meeting.state == "closed" and perms.covers(user, meeting.council.unit, ORGANISER)
            and publication_of(meeting) is None)


def may_resolve(user, nomination: Nomination) -> bool:
    """May `user` resolve objections to `nomination` (an organiser of the level handling it,
    as `resolve` requires)?"""
    return perms.covers(user, nomination.level_unit, ORGANISER)


def publish(actor, meeting: CouncilMeeting, today: date) -> Publication:
    if not perms.covers(actor, meeting.council.unit, ORGANISER):
        raise PermissionDenied(_("Only an organiser of %(name)s may do this.",
                                 name=meeting.council.unit.name))
    if meeting.state != "closed":
        raise InvalidState(_("Publish the list once the ballot is closed."))
    if publication_of(meeting) is not None:
        raise InvalidState(_("This list has already been published."))
    passed = [i for i in meeting.items if i.passed and i.counts]
    if not passed:
        raise InvalidState(_("No nomination passed at this meeting."))
    # a one-off commendation (simplified procedure) does not wait for a publication period
    days = max((i.nomination.award_type.publication_days for i in passed
                if i.nomination.kind not in SIMPLIFIED_KINDS), default=0)
    publication = Publication(meeting=meeting, starts_on=today,
                              ends_on=add_working_days(today, days, holidays(db.session)),
                              published_by=audit.actor_display(actor))
    db.session.add(publication)
    db.session.flush()
    audit.record(db.session, actor=actor, action="publication.open", obj=publication,
                 summary=f"list of meeting {meeting.id} published until "
                         f"{publication.ends_on}", after={"days": days,
                                                          "until": publication.ends_on},
                 params={"meeting": meeting.title, "until": publication.ends_on})
    db.session.commit()
    return publication


def object_to(actor, nomination: Nomination, text: str, today: date | None = None) -> Objection:
    """An objection (ý kiến phản ánh) to a published nomination, received while its list is
    published (up to `ends_on`, the day included; `today` is Vietnam's day by default) and
    before a decision grants it. Later, a complaint about the decision follows the Law on
    Complaints, not this procedure. InvalidState otherwise, ServiceError for an empty text."""
    text = clean_block(text, 20000)
    if not text:
        raise ServiceError(_("Write the objection."))
    publication = _published(nomination)
    if not publication:
        raise InvalidState(_("Objections are received on published nominations only."))
    if (today or local_today()) > publication.ends_on:
        raise InvalidState(_("The list was published until %(date)s: objections are received "
                             "while it is published.", date=fmt_date(publication.ends_on)))
    granted = db.session.scalar(select(Decision.number).join(DecisionItem).where(
        DecisionItem.nomination_id == nomination.id, Decision.state == "issued"))
    if granted:
        raise InvalidState(_("Decision %(number)s has granted this nomination: objections "
                             "are no longer received.", number=granted))
    objection = Objection(nomination=nomination, author=actor.username, text=text[:10000])
    db.session.add(objection)
    db.session.flush()
    audit.record(db.session, actor=actor, action="objection.create", obj=objection,
                 summary=f"objection to nomination {nomination.id}",
                 params={"id": nomination.id})
    signals.objection_made.send(objection, actor=actor)
    db.session.commit()
    return objection


def resolve(actor, objection: Objection, upheld: bool, reason: str) -> None:
    n = objection.nomination
    if not may_resolve(actor, n):
        raise PermissionDenied(_("Only an organiser of %(name)s may do this.",
                                 name=n.level_unit.name))
    reason = clean_block(reason, 20000)
    if not reason:
        raise ServiceError(_("Give the reason for the resolution."))
    if objection.state != "open":
        raise InvalidState(_("This objection has already been resolved."))
    objection.state = "upheld" if upheld else "dismissed"
    objection.resolution, objection.resolved_by = reason[:5000], audit.actor_display(actor)
    if upheld:
        n.state = "withdrawn"
    audit.record(db.session, actor=actor, action=f"objection.{objection.state}", obj=objection,
                 summary=f"objection {objection.id} {objection.state}",
                 after={"reason": reason, "nomination_withdrawn": upheld},
                 params={"_m": "objection:state", "objection": objection.id, "id": n.id,
                         "state": objection.state})
    db.session.commit()


def _passed(nomination: Nomination) -> bool:
    """Has a council passed the nomination in a vote that stands (closed, not reopened)?"""
    return db.session.scalar(select(AgendaItem.id).join(CouncilMeeting).where(
        AgendaItem.nomination_id == nomination.id, AgendaItem.passed.is_(True),
        AgendaItem.reopened_at.is_(None), CouncilMeeting.state == "closed").limit(1)) is not None


def _published(nomination: Nomination) -> Publication | None:
    return db.session.scalar(select(Publication).join(
        AgendaItem, AgendaItem.meeting_id == Publication.meeting_id).where(
        AgendaItem.nomination_id == nomination.id, AgendaItem.passed.is_(True),
        AgendaItem.reopened_at.is_(None)))


def publication_running(publication: Publication, today: date) -> bool:
    """Is the publication period (công khai) still running on `today`?

    The period runs from `starts_on` to `ends_on`, both included: a nomination is grantable
    the day after `ends_on`. A period of 0 days (every seeded award but CSTĐ toàn quốc,
    Cờ Chính phủ and Bằng khen Thủ tướng, DESIGN.md §4) ends the day it starts
    (`ends_on == starts_on`): the nomination is grantable that same day."""
    if today < publication.starts_on:
        return True
    return publication.ends_on > publication.starts_on and today <= publication.ends_on


# --- decisions ---------------------------------------------------------------------------------

def grantable(nomination: Nomination, today: date) -> str | None:
    """Why a nomination cannot be granted (or sent to the superior) yet; None when it can.

    It must have passed a council's vote that stands, have been published for the full
    period and have no open objection. A one-off commendation (khen thưởng đột xuất) follows
    the simplified procedure: the council's vote suffices, no publication period is awaited
    (objections, if any were made, must still be resolved)."""
    if nomination.state == "withdrawn":
        return _("withdrawn")
    if nomination.state in UPWARD_STATES:
        return _("submitted to the superior")
    if nomination.kind in SIMPLIFIED_KINDS:
        if not _passed(nomination):
            return _("not passed by a council")
    else:
        publication = _published(nomination)
        if publication is None:
            return _("not passed by a council or not published")
        if publication_running(publication, today):
            return _("published until %(date)s", date=fmt_date(publication.ends_on, DAY))
    if db.session.scalar(select(Objection.id).where(Objection.nomination_id == nomination.id,
                                                    Objection.state == "open")):
        return _("an objection is not resolved")
    if db.session.scalar(select(DecisionItem.id).join(Decision).where(
            DecisionItem.nomination_id == nomination.id, Decision.state != "revoked")):
        return _("already in a decision")
    return None


def create_decision(actor, unit: Unit, *, number: str, signed_on: date, signer: str,
                    nominations: list[Nomination], today: date) -> Decision:
    if not perms.covers(actor, unit, ORGANISER):
        raise PermissionDenied(_("Only an organiser of %(name)s may do this.", name=unit.name))
    number, signer = clean(number), clean(signer)
    if not number or not signer:
        raise ServiceError(_("A decision needs a number and a signer."))
    taken = _("The decision number %(number)s is already used by %(unit)s.", number=number,
              unit=unit.name)
    if db.session.scalar(select(Decision.id).where(Decision.issuing_unit_id == unit.id,
                                                   Decision.number == number,
                                                   Decision.state != "revoked")):
        raise Conflict(taken)
    if not nominations:
        raise ServiceError(_("Choose the nominations the decision grants."))
    _require_grantable_by(actor, unit, nominations)
    require_decidable(unit, nominations)
    problems = [f"#{n.id}: {why}" for n in nominations if (why := grantable(n, today))]
    if problems:
        raise InvalidState(_("These nominations cannot be granted: %(list)s",
                             list="; ".join(problems)))
    decision = Decision(number=number, signed_on=signed_on, signer=signer, issuing_unit=unit,
                        state="draft")
    decision.items = [DecisionItem(nomination=n) for n in nominations]
    db.session.add(decision)
    with conflict_on_duplicate(taken):  # the same number saved at the same moment
        db.session.flush()
    audit.record(db.session, actor=actor, action="decision.create", obj=decision,
                 summary=f"decision {number} drafted with {len(nominations)} nominations",
                 params={"number": number, "count": len(nominations)})
    db.session.commit()
    return decision


def issue(actor, decision: Decision, version, today: date) -> None:
    """Issue: award records are created (of the kind of commendation their award type names,
    Law Art. 8) and cash computed; nothing can change afterwards."""
    _require_organiser(actor, decision)
    check_version(decision, version)
    if decision.state != "draft":
        raise InvalidState(_("An issued decision cannot be changed."))
    # the draft was checked when it was made; the actor and the tree may have changed since
    _require_grantable_by(actor, decision.issuing_unit, [i.nomination for i in decision.items])
    require_decidable(decision.issuing_unit, [i.nomination for i in decision.items])
    problems = [f"#{i.nomination_id}: {why}" for i in decision.items
                if (why := _grantable_for(i.nomination, today, decision))]
    if problems:
        raise InvalidState(_("These nominations cannot be granted: %(list)s",
                             list="; ".join(problems)))
    held = [i.nomination.subject_name for i in decision.items if _already_held(i.nomination)]
    if held:
        raise Conflict(_("Already granted this award for the year (a decision in force or "
                         "the imported history): %(names)s.", names=", ".join(held[:20])))
    salary = base_salary_on(decision.signed_on)
    if salary is None:
        raise InvalidState(_("No base salary is in force on the decision date."))
    total = 0
    amounts = _cash_of(decision.items, salary)
    relied_on = _initiatives_relied_on(decision.items)
    for item in decision.items:
        n = item.nomination
        amount = amounts[item.id]
        record = AwardRecord(award_code=n.award_type.code, person_id=n.person_id,
                             unit_id=n.unit_id, year=n.year, decision_number=decision.number,
                             issuer=decision.issuing_unit.name, cash_amount=amount,
                             source="decision",
                             kind=n.kind if n.kind != CommendationKind.REGULAR.value
                             else n.award_type.commendation_kind)
        db.session.add(record)
        # a decision issued at the same instant with the same award hits the database's
        # one-award-per-subject-and-year index: a clean conflict, nothing written
        with conflict_on_duplicate(_("Already granted this award for the year: %(names)s.",
                                     names=n.subject_name)):
            db.session.flush()
        item.award_record_id, item.cash_amount = record.id, amount
        total += amount or 0
    consumed = _consume_initiatives(decision.items, relied_on)
    decision.state, decision.base_salary, decision.total_cash = "issued", salary, total
    signals.decision_issued.send(decision, actor=actor)
    audit.record(db.session, actor=actor, action="decision.issue", obj=decision,
                 summary=f"decision {decision.number} issued: {len(decision.items)} awards, "
                         f"{total} VND", after={"total_cash": total, "base_salary": salary,
                                                "initiatives_used": consumed},
                 params={"number": decision.number, "count": len(decision.items),
                         "total": total})
    db.session.commit()


def _initiatives_relied_on(items) -> dict[int, list[int]]:
    """Per decision item, the ids of the initiatives its nomination's verdict relied on, for
    the commendations (hình thức khen thưởng) granted to a person: an initiative backs one
    commendation only (Law 06/2022 Art. 5.2, DESIGN §4). A title (danh hiệu) does not
    consume the initiatives it was judged on: Bằng khen bộ counts the initiatives of the two
    CSTĐCS years it follows. Judged before the records are written."""
    from emulation.awards.eligibility.services import check_batch

    chosen = [i.nomination for i in items if i.nomination.person_id
              and i.nomination.award_type.category == "commendation"]
    verdicts = check_batch(chosen) if chosen else {}
    return {i.id: [k for k in verdicts[i.nomination_id].initiatives_used() if isinstance(k, int)]
            for i in items if i.nomination_id in verdicts}


def _consume_initiatives(items, relied_on: dict[int, list[int]]) -> dict[int, list[int]]:
    """Mark the initiatives each item's award relied on as used by its award record; the
    ids marked per record (for the audit)."""
    consumed = {}
    for item in items:
        ids = relied_on.get(item.id)
        if not ids:
            continue
        db.session.execute(update(Initiative).where(
            Initiative.id.in_(ids), Initiative.person_id == item.nomination.person_id)
            .values(used_by_award_id=item.award_record_id))
        consumed[item.award_record_id] = ids
    return consumed


def _cash_of(items, salary: int) -> dict[int, int | None]:
    """Each item's cash: the multiple of its award for its subject's kind × the base salary;
    titles of one subject for the same year are paid only the highest, less what titles of
    that year already received (Nghị định 152/2025 Art. 49)."""
    amounts, titles = {}, []
    for item in items:
        n, award = item.nomination, item.nomination.award_type
        kind = "collective" if n.unit_id else "individual"
        amounts[item.id] = cash_amount(
            multiple_for(kind, award.cash_multiple, award.cash_multiple_collective), salary)
        if award.category == "title":
            titles.append((item.id, (n.person_id, n.unit_id, n.year), amounts[item.id]))
    if titles:
        amounts.update(pay_highest_title(titles, _titles_paid({g for _k, g, _a in titles})))
    return amounts


def _titles_paid(groups: set[tuple]) -> dict[tuple, int]:
    """Cash already paid for titles, per (person, unit, year) among `groups`."""
    people = {p for p, _u, _y in groups if p is not None}
    units = {u for _p, u, _y in groups if u is not None}
    rows = db.session.execute(
        select(AwardRecord.person_id, AwardRecord.unit_id, AwardRecord.year,
               func.sum(AwardRecord.cash_amount))
        .join(AwardType, AwardType.code == AwardRecord.award_code)
        .where(AwardType.category == "title", AwardRecord.revoked.is_(False),
               AwardRecord.year.in_({y for _p, _u, y in groups}),
               AwardRecord.person_id.in_(people) | AwardRecord.unit_id.in_(units))
        .group_by(AwardRecord.person_id, AwardRecord.unit_id, AwardRecord.year))
    return {(p, u, y): int(paid or 0) for p, u, y, paid in rows if (p, u, y) in groups}


def revoke(actor, decision: Decision, version, reason: str) -> None:
    _require_organiser(actor, decision)
    check_version(decision, version)
    reason = clean_block(reason, 20000)
    if not reason:
        raise ServiceError(_("Give the reason for revoking the decision."))
    if decision.state != "issued":
        raise InvalidState(_("Only an issued decision can be revoked."))
    records = [item.award_record_id for item in decision.items if item.award_record_id]
    for record_id in records:
        db.session.get(AwardRecord, record_id).revoked = True
    # the initiatives the revoked awards relied on may back another award
    freed = db.session.execute(update(Initiative).where(
        Initiative.used_by_award_id.in_(records)).values(used_by_award_id=None)).rowcount \
        if records else 0
    decision.state, decision.revoke_reason = "revoked", reason[:5000]
    audit.record(db.session, actor=actor, action="decision.revoke", obj=decision,
                 summary=f"decision {decision.number} revoked",
                 after={"reason": reason, "initiatives_freed": freed},
                 params={"number": decision.number})
    db.session.commit()


def refuse_edit(decision: Decision) -> None:
    if decision.state != "draft":
        raise InvalidState(_("An issued decision cannot be changed."))


def _grantable_for(n: Nomination, today: date, decision: Decision) -> str | None:
    why = grantable(n, today)
    if why == _("already in a decision"):
        others = db.session.scalar(select(func.count(DecisionItem.id)).join(Decision).where(
            DecisionItem.nomination_id == n.id, Decision.state != "revoked",
            Decision.id != decision.id))
        return why if others else None
    return why


def _require_grantable_by(actor, unit: Unit, nominations: list[Nomination]) -> None:
    """Every nomination is handled at a level the actor organises, inside the issuing unit's
    tree; one that is not refuses the whole decision, answered as a nomination that does not
    exist (NotFound), so that a foreign id reveals nothing."""
    foreign = sorted(n.id for n in nominations if not _grantable_scope(actor, unit, n))
    if foreign:
        raise NotFound(_("No nomination you may grant has the number %(list)s.",
                         list=", ".join(f"#{i}" for i in foreign[:20])))


def require_decidable(unit: Unit, nominations: list[Nomination]) -> None:
    """Refuse (PermissionDenied) a decision of `unit` that would grant an award above the
    levels it decides (`may_decide`), naming each such award and the level that decides it."""
    beyond = {n.award_type.code: n.award_type for n in nominations
              if not may_decide(unit, n.award_type)}
    if beyond:
        awards = "; ".join(f"{a.name} ({DecidingLevel(a.decided_by).label})"
                           for _code, a in sorted(beyond.items()))
        raise PermissionDenied(_(
            "%(unit)s does not decide %(awards)s. Propose it to the level that decides it "
            "(“Submit to the superior” on the dossier, once the council has passed it) and "
            "record that level's decision when it comes.", unit=unit.name, awards=awards))


def _grantable_scope(actor, unit: Unit, n: Nomination) -> bool:
    level = n.level_unit
    return perms.covers(actor, level, ORGANISER) and level.path.startswith(unit.path)


def already_held(n: Nomination) -> bool:
    """Does the subject hold this award of this kind for the year already (not revoked)?"""
    return _already_held(n)


def _already_held(n: Nomination) -> bool:
    subject = (AwardRecord.person_id == n.person_id) if n.person_id else \
        (AwardRecord.unit_id == n.unit_id)
    return db.session.scalar(select(AwardRecord.id).where(
        subject, AwardRecord.award_code == n.award_type.code, AwardRecord.year == n.year,
        AwardRecord.kind == n.kind, AwardRecord.revoked.is_(False)).limit(1)) is not None


def _require_organiser(actor, decision: Decision) -> None:
    if not perms.covers(actor, decision.issuing_unit, ORGANISER):
        raise PermissionDenied(_("Only an organiser of %(name)s may do this.",
                                 name=decision.issuing_unit.name))


def decisions_query(user, year: int | None = None, state: str | None = None):
    """Decisions the user may see, newest first: issued and revoked ones for everyone, drafts
    only for organisers of the issuing unit (and admins)."""
    stmt = select(Decision).order_by(Decision.signed_on.desc(), Decision.id.desc())
    if not user.is_admin:
        stmt = stmt.where((Decision.state != "draft") | Decision.issuing_unit_id.in_(
            perms.covered_unit_ids(user, ("organiser",))))
    if year:
        stmt = stmt.where(func.extract("year", Decision.signed_on) == year)
    if state:
        stmt = stmt.where(Decision.state == state)
    return stmt


def get_decision(decision_id: int) -> Decision:
    decision = db.session.get(Decision, decision_id)
    if decision is None:
        raise NotFound(_("No such decision."))
    return decision


def get_decision_for(user, decision_id: int) -> Decision:
    """A decision the user may read: issued and revoked ones for everyone, a draft only for
    organisers of the issuing unit; else NotFound."""
    decision = db.session.get(Decision, decision_id)
    if decision is None or (decision.state == "draft" and not perms.covers(
            user, decision.issuing_unit, ORGANISER)):
        raise NotFound(_("No such decision."))
    return decision


def decisions_page(user, page: int, per_page: int = 50):
    """One page of `decisions_query(user)`."""
    return db.paginate(decisions_query(user), page=page, per_page=per_page, error_out=False)


def get_published_nomination(nomination_id: int) -> Nomination:
    """A nomination of a published list, by id (objections to those are open to every
    logged-in user); any other id is answered as one that does not exist (NotFound)."""
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None or _published(nomination) is None:
        raise NotFound(_("No such nomination."))
    return nomination


def get_objection(objection_id: int) -> Objection:
    objection = db.session.get(Objection, objection_id)
    if objection is None:
        raise NotFound(_("No such objection."))
    return objection


def publications(limit: int = 500) -> tuple[list, dict[int, list[Objection]]]:
    """Published lists, newest first: [(Publication, AgendaItem passed)] and the objections
    of those nominations by nomination id."""
    rows = db.session.execute(
        select(Publication, AgendaItem).join(AgendaItem, AgendaItem.meeting_id ==
                                             Publication.meeting_id)
        .where(AgendaItem.passed.is_(True), AgendaItem.reopened_at.is_(None))
        .order_by(Publication.id.desc(), AgendaItem.id)
        .limit(limit)).all()
    objections: dict[int, list[Objection]] = {}
    for o in db.session.scalars(select(Objection).where(Objection.nomination_id.in_(
            {item.nomination_id for _p, item in rows}))):
        objections.setdefault(o.nomination_id, []).append(o)
    return rows, objections


def author_names(objections: dict[int, list[Objection]]) -> dict[str, str]:
    """The full names of the objections' authors by user name (an objection keeps its
    author's user name; readers see the person), in one query; an author without an
    account or a full name keeps the user name."""
    usernames = {o.author for items in objections.values() for o in items}
    if not usernames:
        return {}
    return {username: full_name for username, full_name in db.session.execute(
        select(User.username, User.full_name).where(User.username.in_(usernames)))
        if full_name}


def grantable_candidates(user, today: date) -> list[Nomination]:
    """Nominations passed by a council, at a level the user organises, that a decision may
    grant today — and that a unit the user organises may decide (see `deciding_levels`);
    the others go to the superior from their dossier."""
    return decision_candidates(user, today)[0]


@dataclass(frozen=True)
class Waiting:
    """A passed nomination a decision may not grant yet: `reason` in words (translated) and
    `ready_on`, the first day it may be granted when a date says it (the day after the
    publication period; None while an objection is open: it waits for its resolution)."""

    nomination: Nomination
    reason: str
    ready_on: date | None


def passed_at_levels(user, *columns):
    """The statement of the nominations (or of `columns`) passed by a vote that stands, at a
    level the user organises, neither withdrawn nor sent to the superior: what decisions are
    made of (`decision_candidates`, the home page's tasks)."""
    return (select(*(columns or (Nomination,)))
            .join(AgendaItem, AgendaItem.nomination_id == Nomination.id)
            .join(CouncilMeeting, CouncilMeeting.id == AgendaItem.meeting_id)
            .where(AgendaItem.passed.is_(True), AgendaItem.reopened_at.is_(None),
                   CouncilMeeting.state == "closed",
                   Nomination.state.not_in(("withdrawn", *UPWARD_STATES)),
                   Nomination.level_unit_id.in_(perms.covered_unit_ids(user, ORGANISER))))


def in_force_decision_exists():
    """SQL condition: the nomination (`Nomination.id`) is in a decision not revoked."""
    return select(DecisionItem.id).join(Decision).where(
        DecisionItem.nomination_id == Nomination.id, Decision.state != "revoked").exists()


def decision_candidates(user, today: date) -> tuple[list[Nomination], list[Waiting]]:
    """The passed nominations (a standing vote) at a level the user organises and that a unit
    the user organises may decide: (those a decision may grant `today`, those that wait, with
    the reason and the date). Nominations withdrawn, sent to the superior or already in a
    decision in force are in neither list."""
    ready: list[Nomination] = []
    waiting: list[Waiting] = []
    for n in db.session.scalars(passed_at_levels(user).order_by(Nomination.id)).unique():
        if not _user_decides(user, n):
            continue
        why = grantable(n, today)
        if why is None:
            ready.append(n)
        elif why != _("already in a decision"):
            waiting.append(_waiting(n, today, why))
    return ready, waiting


def _waiting(n: Nomination, today: date, why: str) -> Waiting:
    """Why `n` waits, in words, with the day it may be granted when a date tells it."""
    if n.kind not in SIMPLIFIED_KINDS:
        publication = _published(n)
        if publication is None:
            return Waiting(n, _("the council's list is not published yet"), None)
        if publication_running(publication, today):
            return Waiting(n, _("publication ends on %(date)s", date=fmt_date(
                publication.ends_on, DAY)), publication.ends_on + timedelta(days=1))
    opened = db.session.scalar(select(func.min(Objection.created_at)).where(
        Objection.nomination_id == n.id, Objection.state == "open"))
    if opened is not None:
        return Waiting(n, _("an objection made on %(date)s is open: resolve it first",
                            date=fmt_date(opened.date(), DAY)), None)
    return Waiting(n, why, None)


# --- the outcome of a dossier ------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """Where a dossier on a council's agenda stands after the vote: `kind` is one of
    passed, not_passed, published, granted, revoked; `text` says it in words (translated)."""

    kind: str
    text: str


def outcomes(nominations, today: date) -> dict[int, Outcome]:
    """The outcome of each nomination of `nominations` that is on a council's agenda and has
    a vote that stands (closed meeting, not reopened), by nomination id; the others are left
    out (their state says where they are).

    In order of precedence: granted by an issued decision (its number and date), revoked (the
    only decisions granting it were revoked), published until a date while the publication
    runs, passed or not passed with the votes for out of the vote's base. Three queries
    whatever the number of nominations (lists stay bounded)."""
    ids = [n.id for n in nominations if n.state == "on_agenda"]
    if not ids:
        return {}
    votes: dict[int, tuple] = {}
    for row in db.session.execute(
            select(AgendaItem.nomination_id, AgendaItem.passed, AgendaItem.agree,
                   AgendaItem.base, AgendaItem.meeting_id).join(CouncilMeeting)
            .where(AgendaItem.nomination_id.in_(ids), AgendaItem.passed.is_not(None),
                   AgendaItem.reopened_at.is_(None), CouncilMeeting.state == "closed")
            .order_by(CouncilMeeting.held_on, AgendaItem.id)):
        votes[row.nomination_id] = row  # the latest vote that stands
    if not votes:
        return {}
    meetings = {row.meeting_id for row in votes.values() if row.passed}
    published = {p.meeting_id: p for p in db.session.scalars(
        select(Publication).where(Publication.meeting_id.in_(meetings)))} if meetings else {}
    decided: dict[int, tuple] = {}
    for row in db.session.execute(
            select(DecisionItem.nomination_id, Decision.number, Decision.signed_on,
                   Decision.state).join(Decision)
            .where(DecisionItem.nomination_id.in_(list(votes)),
                   Decision.state.in_(("issued", "revoked")))
            .order_by(Decision.signed_on, Decision.id)):
        if row.state == "issued" or decided.get(row.nomination_id, row).state != "issued":
            decided[row.nomination_id] = row
    result: dict[int, Outcome] = {}
    for nid, vote in votes.items():
        decision = decided.get(nid)
        publication = published.get(vote.meeting_id)
        counts = {"agree": fmt_number(vote.agree),
                  "base": fmt_number(vote.base if vote.base is not None else vote.agree)}
        if decision is not None and decision.state == "issued":
            result[nid] = Outcome("granted", _(
                "Granted — decision %(number)s of %(date)s", number=decision.number,
                date=fmt_date(decision.signed_on, DAY)))
        elif decision is not None:
            result[nid] = Outcome("revoked", _("Revoked — decision %(number)s was revoked",
                                               number=decision.number))
        elif not vote.passed:
            result[nid] = Outcome("not_passed", _(
                "Not passed by the council (%(agree)s/%(base)s)", **counts))
        elif publication is not None and publication_running(publication, today):
            result[nid] = Outcome("published", _(
                "Published until %(date)s", date=fmt_date(publication.ends_on, DAY)))
        else:
            result[nid] = Outcome("passed", _(
                "Passed by the council (%(agree)s/%(base)s)", **counts))
    return result


def _user_decides(user, n: Nomination) -> bool:
    """Could a decision of a unit the user organises, above or at the dossier's level,
    grant its award? Only the tree's root decides more than the grassroots levels."""
    level = n.level_unit
    if n.award_type.decided_by in UNIT_LEVELS:
        return True
    root = level if level.parent_id is None else db.session.get(Unit, level.ancestor_ids[0])
    return may_decide(root, n.award_type) and perms.covers(user, root, ORGANISER)


def create_decision_for(actor, unit_code: str, nomination_ids: set[int], *, number: str,
                        signed_on: date, signer: str, today: date) -> Decision:
    """`create_decision` from the issuing unit's code and the chosen nominations' ids."""
    from emulation.org.services import managed_unit_by_code

    # an unknown code and a unit the actor does not organise get the same answer
    unit = managed_unit_by_code(actor, unit_code or "", ORGANISER)
    chosen = list(db.session.scalars(select(Nomination).where(
        Nomination.id.in_(nomination_ids)).order_by(Nomination.id))) if nomination_ids else []
    missing = sorted(set(nomination_ids) - {n.id for n in chosen})
    if missing:  # answered exactly as a nomination out of the actor's scope
        raise NotFound(_("No nomination you may grant has the number %(list)s.",
                         list=", ".join(f"#{i}" for i in missing[:20])))
    return create_decision(actor, unit, number=number, signed_on=signed_on, signer=signer,
                           nominations=chosen, today=today)


def agenda_rows(meeting: CouncilMeeting) -> list[dict]:
    """The meeting's dossiers as rows of its documents (memo, short list, minutes):
    subject, unit, position, award, summary, eligibility (in words), explanation."""
    labels = {True: _("Eligible"), False: _("Not yet eligible"), None: _("Not enough data")}
    rows = []
    for item in meeting.items:
        n = item.nomination
        unit = n.person.unit if n.person else n.unit
        rows.append({"subject": n.subject_name, "unit": unit.name,
                     "position": n.person.position if n.person else "",
                     "award": n.award_type.name, "summary": n.summary,
                     "eligibility": labels[n.eligible], "explanation": n.explanation})
    return rows


def decision_rows(decision: Decision) -> list[dict]:
    """The decision's awards as rows of its annex and draft: subject, code, unit, award,
    kind of commendation (its label), year, cash (VND)."""
    rows = []
    for item in decision.items:
        n = item.nomination
        unit = n.person.unit if n.person else n.unit
        rows.append({"subject": n.subject_name, "code": (n.person or n.unit).code,
                     "unit": unit.name if n.person else (unit.parent.name if unit.parent
                                                         else unit.name),
                     "award": n.award_type.name, "kind": str(CommendationKind(n.kind).label),
                     "year": n.year, "cash": item.cash_amount})
    return rows
