"""Councils, meetings and the secret ballot (bỏ phiếu kín).

Secrecy by construction: a vote writes a BallotParticipation row (member, item — who has voted)
and increments a counter on the agenda item (how many chose what), in one transaction. Nothing
stores a member next to a choice, so no one — administrators and database readers included —
can tell how a member voted. A unique constraint makes a second vote impossible.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from emulation.auth.models import User
from emulation.awards.councils.models import (
    CHOICES,
    COUNCIL_ROLES,
    AgendaItem,
    BallotParticipation,
    Council,
    CouncilMeeting,
    CouncilMember,
    MeetingAttendance,
)
from emulation.awards.nominations.models import Nomination
from emulation.core import audit, signals
from emulation.core import permissions as perms
from emulation.core.errors import (
    InvalidState,
    NotFound,
    PermissionDenied,
    ServiceError,
    check_version,
)
from emulation.core.text import clean
from emulation.extensions import db
from emulation.org.models import Unit


def can_manage(user, council: Council) -> bool:
    return perms.covers(user, council.unit, ("organiser",))


def member_of(user, council: Council) -> CouncilMember | None:
    return next((m for m in council.members if m.user_id == getattr(user, "id", None)), None)


def is_secretary(user, council: Council) -> bool:
    member = member_of(user, council)
    return member is not None and member.role == "secretary"


def get_council_for(user, council_id: int) -> Council:
    """The council, if the user administers, organises for its unit or sits on it; else
    NotFound (its existence is not revealed)."""
    council = db.session.get(Council, council_id)
    if council is None or not (user.is_admin or can_manage(user, council)
                               or member_of(user, council)):
        raise NotFound(_("No such council."))
    return council


def get_meeting_for(user, meeting_id: int) -> CouncilMeeting:
    """A meeting of a council the user may read (see `get_council_for`); else NotFound."""
    meeting = db.session.get(CouncilMeeting, meeting_id)
    if meeting is None:
        raise NotFound(_("No such meeting."))
    get_council_for(user, meeting.council_id)
    return meeting


def get_item_for(user, item_id: int) -> AgendaItem:
    """An agenda item of a meeting the user may read; else NotFound."""
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound(_("No such agenda item."))
    get_meeting_for(user, item.meeting_id)
    return item


def councils_for(user) -> list[Council]:
    """The councils listed for the user (see `councils_query`)."""
    return list(db.session.scalars(councils_query(user)))


def agenda_candidates(user, meeting: CouncilMeeting) -> list[Nomination]:
    """Dossiers the secretary may still add to a scheduled meeting: on the council's agenda,
    handled at the council's level or below, not yet on this meeting."""
    council = meeting.council
    if not is_secretary(user, council) or meeting.state != "scheduled":
        return []
    on_agenda = {i.nomination_id for i in meeting.items}
    # one query: the level's path is compared in the database, not per dossier in Python
    return list(db.session.scalars(
        select(Nomination).join(Unit, Unit.id == Nomination.level_unit_id)
        .where(Nomination.state == "on_agenda", Unit.path.startswith(council.unit.path),
               Nomination.id.not_in(on_agenda))
        .order_by(Nomination.id)))


def councils_query(user):
    stmt = select(Council)
    if not user.is_admin:
        stmt = stmt.where(Council.unit_id.in_(perms.covered_unit_ids(user, ("organiser",)))
                          | Council.id.in_(select(CouncilMember.council_id).where(
                              CouncilMember.user_id == user.id)))
    return stmt.order_by(Council.id)


def create_council_for(actor, unit_code: str, name: str, quorum_pct: Decimal) -> Council:
    """`create_council` for the unit with this code (ServiceError if there is none)."""
    from emulation.org.services import unit_by_code

    unit = unit_by_code(unit_code or "")
    if unit is None:
        raise ServiceError(_("No unit has the code %(code)s.", code=clean(unit_code)))
    return create_council(actor, unit, name, quorum_pct)


def create_council(actor, unit: Unit, name: str, quorum_pct: Decimal) -> Council:
    if not perms.covers(actor, unit, ("organiser",)):
        raise PermissionDenied(_("Only an organiser of %(name)s may do this.", name=unit.name))
    name = clean(name)
    if not name:
        raise ServiceError(_("A council needs a name."))
    if not (Decimal(1) <= quorum_pct <= Decimal(100)):
        raise ServiceError(_("The quorum is a percentage between 1 and 100."))
    council = Council(name=name, unit=unit, quorum_pct=quorum_pct)
    db.session.add(council)
    db.session.flush()
    audit.record(db.session, actor=actor, action="council.create", obj=council,
                 summary=f"council {name} of {unit.code}", after={"quorum_pct": quorum_pct})
    db.session.commit()
    return council


def add_member_by_username(actor, council: Council, username: str,
                           role: str) -> CouncilMember:
    """`add_member` for the account named `username` (ServiceError if there is none)."""
    user = db.session.scalar(select(User).where(User.username == clean(username).lower()))
    if user is None:
        raise ServiceError(_("No such user."))
    return add_member(actor, council, user, role)


def add_to_agenda_by_id(actor, meeting: CouncilMeeting, nomination_id: int | None) -> AgendaItem:
    """`add_to_agenda` for the nomination with this id (ServiceError if there is none)."""
    _require_secretary(actor, meeting)
    nomination = db.session.get(Nomination, nomination_id) if nomination_id else None
    if nomination is None:
        raise ServiceError(_("Choose a dossier."))
    return add_to_agenda(actor, meeting, nomination)


def add_member(actor, council: Council, user, role: str) -> CouncilMember:
    if not can_manage(actor, council):
        raise PermissionDenied(_("Only an organiser of %(name)s may do this.",
                                 name=council.unit.name))
    if role not in COUNCIL_ROLES:
        raise ServiceError(_("Unknown role."))
    if member_of(user, council):
        raise ServiceError(_("%(user)s is already a member.", user=user.username))
    if role in ("chair", "secretary") and any(m.role == role for m in council.members):
        raise ServiceError(_("The council already has a member with this role."))
    if any(m.state != "closed" for m in council.meetings):
        raise InvalidState(_("Members cannot change while a meeting is scheduled or voting."))
    member = CouncilMember(council=council, user_id=user.id, role=role)
    db.session.add(member)
    db.session.flush()
    audit.record(db.session, actor=actor, action="council.member_add", obj=council,
                 summary=f"{user.username} joins {council.name} as {role}",
                 after={"user": user.username, "role": role})
    db.session.commit()
    return member


def schedule(actor, council: Council, title: str, held_on: date) -> CouncilMeeting:
    if not (is_secretary(actor, council) or can_manage(actor, council)):
        raise PermissionDenied(_("Only the council's secretary or an organiser may do this."))
    title = clean(title)
    if not title:
        raise ServiceError(_("A meeting needs a title."))
    meeting = CouncilMeeting(council=council, title=title, held_on=held_on, state="scheduled")
    db.session.add(meeting)
    db.session.flush()
    audit.record(db.session, actor=actor, action="meeting.schedule", obj=meeting,
                 summary=f"meeting {title} on {held_on}")
    db.session.commit()
    return meeting


def set_attendance(actor, meeting: CouncilMeeting, version, member_ids: list[int]) -> None:
    _require_secretary(actor, meeting)
    check_version(meeting, version)
    if meeting.state != "scheduled":
        raise InvalidState(_("Attendance is recorded before the ballot opens."))
    valid = {m.id for m in meeting.council.members}
    if set(member_ids) - valid:
        raise ServiceError(_("Only members of the council can attend."))
    wanted = set(member_ids)
    for row in [a for a in meeting.attendance if a.member_id not in wanted]:
        meeting.attendance.remove(row)
    db.session.flush()
    have = {a.member_id for a in meeting.attendance}
    meeting.attendance.extend(MeetingAttendance(member_id=mid) for mid in sorted(wanted - have))
    meeting.members_present = len(wanted)
    audit.record(db.session, actor=actor, action="meeting.attendance", obj=meeting,
                 summary=f"{len(member_ids)} of {len(valid)} members present",
                 after={"present": len(set(member_ids)), "members": len(valid)})
    db.session.commit()


def add_to_agenda(actor, meeting: CouncilMeeting, nomination: Nomination) -> AgendaItem:
    _require_secretary(actor, meeting)
    if meeting.state != "scheduled":
        raise InvalidState(_("The agenda is set before the ballot opens."))
    if nomination.state != "on_agenda":
        raise InvalidState(_("Only a dossier put on the council's agenda can be added."))
    if not nomination.level_unit.path.startswith(meeting.council.unit.path):
        raise PermissionDenied(_("This dossier is handled at another level."))
    busy = db.session.scalar(select(AgendaItem.id).join(CouncilMeeting).where(
        AgendaItem.nomination_id == nomination.id, CouncilMeeting.state != "closed"))
    if busy:
        raise InvalidState(_("This dossier is already on the agenda of a meeting."))
    item = AgendaItem(meeting=meeting, nomination=nomination)
    db.session.add(item)
    db.session.flush()
    audit.record(db.session, actor=actor, action="meeting.agenda_add", obj=meeting,
                 summary=f"nomination {nomination.id} on the agenda")
    db.session.commit()
    return item


def open_ballot(actor, meeting: CouncilMeeting, version) -> None:
    _require_secretary(actor, meeting)
    check_version(meeting, version)
    if meeting.state != "scheduled":
        raise InvalidState(_("The ballot can be opened once."))
    total = len(meeting.council.members)
    present = len(meeting.attendance)
    if not meeting.items:
        raise InvalidState(_("The agenda is empty."))
    if total == 0 or Decimal(present) * 100 < Decimal(meeting.council.quorum_pct) * total:
        raise InvalidState(_("Quorum not met: %(present)d of %(total)d members present, "
                             "%(pct)s%% needed.", present=present, total=total,
                             pct=f"{meeting.council.quorum_pct:g}"))
    meeting.state, meeting.members_total, meeting.members_present = "voting", total, present
    signals.ballot_opened.send(meeting)
    audit.record(db.session, actor=actor, action="meeting.open_ballot", obj=meeting,
                 summary=f"ballot opened: {present}/{total} present, {len(meeting.items)} items")
    db.session.commit()


def cast_vote(actor, item: AgendaItem, choice: str) -> None:
    """One vote of a present member. Who voted and what was chosen are written apart."""
    meeting = item.meeting
    member = member_of(actor, meeting.council)
    if member is None:
        raise PermissionDenied(_("Only members of the council vote."))
    if not any(a.member_id == member.id for a in meeting.attendance):
        raise PermissionDenied(_("Only members recorded as present vote."))
    if choice not in CHOICES:
        raise ServiceError(_("Choose agree, disagree or abstain."))
    # Take the meeting row's write lock and check the ballot is open in one statement, so a
    # vote cannot slip past the closing: PostgreSQL locks the row (a closing waits, or the vote
    # sees it closed); SQLite starts its write transaction here instead of at the INSERT below,
    # after a read that a closing could have overtaken.
    open_ballot_row = db.session.execute(
        update(CouncilMeeting).where(CouncilMeeting.id == meeting.id,
                                     CouncilMeeting.state == "voting")
        .values(state="voting").execution_options(synchronize_session=False))
    if open_ballot_row.rowcount != 1:
        db.session.rollback()
        raise InvalidState(_("The ballot is not open."))
    try:
        db.session.add(BallotParticipation(item_id=item.id, member_id=member.id))
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise InvalidState(_("You have already voted on this item.")) from None
    column = getattr(AgendaItem, choice)
    db.session.execute(update(AgendaItem).where(AgendaItem.id == item.id)
                       .values({choice: column + 1}))
    audit.record(db.session, actor=actor, action="ballot.vote", object_type="agenda_item",
                 object_id=item.id, summary=f"{actor.username} voted on item {item.id}")
    db.session.commit()


def close_ballot(actor, meeting: CouncilMeeting, version) -> None:
    _require_secretary(actor, meeting)
    check_version(meeting, version)
    if meeting.state != "voting":
        raise InvalidState(_("The ballot is not open."))
    meeting.state = "closed"
    db.session.flush()
    for item in meeting.items:
        db.session.refresh(item)
        award = item.nomination.award_type
        base = meeting.members_total if award.vote_base == "all" else meeting.members_present
        item.base = base
        item.passed = bool(base) and Decimal(item.agree) * 100 >= \
            Decimal(award.vote_threshold_pct) * base
    audit.record(db.session, actor=actor, action="meeting.close_ballot", obj=meeting,
                 summary=f"ballot closed: {sum(1 for i in meeting.items if i.passed)} of "
                         f"{len(meeting.items)} passed",
                 after={str(i.nomination_id): [i.agree, i.disagree, i.abstain, i.passed]
                        for i in meeting.items})
    db.session.commit()


def voted_items(actor, meeting: CouncilMeeting) -> set[int]:
    member = member_of(actor, meeting.council)
    if member is None:
        return set()
    return set(db.session.scalars(select(BallotParticipation.item_id).join(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id, BallotParticipation.member_id == member.id)))


def _require_secretary(actor, meeting: CouncilMeeting) -> None:
    if not is_secretary(actor, meeting.council):
        raise PermissionDenied(_("Only the council's secretary may do this."))
