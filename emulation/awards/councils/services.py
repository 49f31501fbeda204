"""Councils, meetings and the secret ballot (bỏ phiếu kín).

Secrecy by construction (see `ballot_box` and the README's threat model): a vote writes that
the member has voted (BallotParticipation) and a sealed paper (BallotPaper: the choice
encrypted under the ballot's key, with no member, time or order); no counter moves while the
ballot is open, and the audit log names who voted only when the ballot closes. Closing opens
the papers, stores the totals, deletes the papers and wipes the key's salt.

A ballot is closed only once every item has enough votes that no one's choice can be told
(at least two, and at least the quorum of the council's members); a voted dossier goes on
another meeting only after an organiser reopens it with a reason.

Written opinions (phiếu ý kiến bằng văn bản): where the award allows it, the secretary
records, while the ballot is open, the choice a member absent from the meeting signed on
paper. It goes into the same box: a participation marked `written` and a sealed paper like
every other. It counts as a vote everywhere (totals, the votes an item needs, the base of the
threshold); the attendance that opens the ballot stays that of the members present.
"""
from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from emulation.auth.models import User
from emulation.awards.councils import ballot_box
from emulation.awards.councils.models import (
    CHOICES,
    COUNCIL_ROLES,
    AgendaItem,
    BallotPaper,
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
from emulation.core.models import utcnow
from emulation.core.text import clean
from emulation.extensions import db
from emulation.org.models import Unit

# A council's quorum is a setting (DESIGN §4), seeded two thirds and never below half of its
# members: fewer present than that could not make a majority of the council.
QUORUM_MIN_PCT = Decimal(50)
QUORUM_DEFAULT_PCT = Decimal("66.67")
# Fewer voters than this and a result could tell one person's choice: with two, each voter
# reads the other's choice off the totals. (Enough voters acting together can always work out
# the rest, and a unanimous result tells everyone's choice — as on paper.)
MIN_VOTES = 3


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
    # one query: the level's path is compared in the database, not per dossier in Python; a
    # dossier whose vote stands (not reopened) is not offered — `add_to_agenda` refuses it
    voted = (select(AgendaItem.nomination_id).join(CouncilMeeting)
             .where(CouncilMeeting.state == "closed", AgendaItem.reopened_at.is_(None)))
    return list(db.session.scalars(
        select(Nomination).join(Unit, Unit.id == Nomination.level_unit_id)
        .where(Nomination.state == "on_agenda", Unit.path.startswith(council.unit.path),
               Nomination.id.not_in(on_agenda), Nomination.id.not_in(voted))
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
    from emulation.org.services import managed_unit_by_code

    # an unknown code and a unit the actor does not organise get the same answer
    unit = managed_unit_by_code(actor, unit_code or "", ("organiser",))
    return create_council(actor, unit, name, quorum_pct)


def create_council(actor, unit: Unit, name: str, quorum_pct: Decimal) -> Council:
    if not perms.covers(actor, unit, ("organiser",)):
        raise PermissionDenied(_("Only an organiser of %(name)s may do this.", name=unit.name))
    name = clean(name)
    if not name:
        raise ServiceError(_("A council needs a name."))
    if not (QUORUM_MIN_PCT <= quorum_pct <= Decimal(100)):
        raise ServiceError(_("The quorum is a percentage of the members between %(low)s and "
                             "100: a council decides with at least half of its members.",
                             low=format_decimal(QUORUM_MIN_PCT)))
    council = Council(name=name, unit=unit, quorum_pct=quorum_pct)
    db.session.add(council)
    db.session.flush()
    audit.record(db.session, actor=actor, action="council.create", obj=council,
                 summary=f"council {name} of {unit.code}", after={"quorum_pct": quorum_pct},
                 params={"council": name, "unit": unit.name})
    db.session.commit()
    return council


def add_to_agenda_by_id(actor, meeting: CouncilMeeting, nomination_id: int | None) -> AgendaItem:
    """`add_to_agenda` for the nomination with this id. An id that names no dossier of the
    council's level or below is answered as one that does not exist (NotFound)."""
    _require_secretary(actor, meeting)
    if not nomination_id:
        raise ServiceError(_("Choose a dossier."))
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None or not nomination.level_unit.path.startswith(
            meeting.council.unit.path):
        raise NotFound(_("No such dossier at this council's level."))
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
                 after={"user": user.username, "role": role},
                 params={"user": user.display_name, "council": council.name, "role": role})
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
                 summary=f"meeting {title} on {held_on}",
                 params={"title": title, "day": held_on})
    signals.meeting_scheduled.send(meeting, actor=actor)
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
                 after={"present": len(set(member_ids)), "members": len(valid)},
                 params={"present": len(set(member_ids)), "members": len(valid)})
    db.session.commit()


def add_to_agenda(actor, meeting: CouncilMeeting, nomination: Nomination) -> AgendaItem:
    """Put a dossier on a scheduled meeting's agenda (the secretary). A dossier that a council
    already voted on comes back only after an organiser reopened that vote (`reopen_item`).
    PermissionDenied / InvalidState otherwise."""
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
    voted = last_vote(nomination.id)
    if voted is not None:
        raise InvalidState(_("The council already voted on this dossier (%(meeting)s): an "
                             "organiser must reopen that vote, with a reason, before it goes "
                             "on another meeting.", meeting=voted.meeting.title))
    item = AgendaItem(meeting=meeting, nomination=nomination)
    db.session.add(item)
    db.session.flush()
    audit.record(db.session, actor=actor, action="meeting.agenda_add", obj=meeting,
                 summary=f"nomination {nomination.id} on the agenda",
                 params={"id": nomination.id, "subject": nomination.subject_name})
    db.session.commit()
    return item


def last_vote(nomination_id: int) -> AgendaItem | None:
    """The closed vote on this dossier whose result stands (not reopened), or None."""
    return db.session.scalar(select(AgendaItem).join(CouncilMeeting).where(
        AgendaItem.nomination_id == nomination_id, CouncilMeeting.state == "closed",
        AgendaItem.reopened_at.is_(None)).order_by(AgendaItem.id.desc()).limit(1))


def can_reopen(user, item: AgendaItem) -> bool:
    """Whether the user may reopen this voted item: an organiser of the council's unit, the
    meeting closed, the result standing and not yet granted by a decision."""
    return (item.meeting.state == "closed" and item.counts
            and can_manage(user, item.meeting.council) and not _granted(item.nomination_id)
            and item.nomination.state not in ("submitted_up", "granted_up", "declined_up"))


def reopen_item(actor, item: AgendaItem, reason: str) -> None:
    """Set aside a council's vote on a dossier so that it can be voted again at another
    meeting (an organiser, with a reason; audited). Its result no longer counts: it is not
    published nor granted. PermissionDenied, InvalidState (not voted, reopened already, or
    granted by a decision — revoke the decision first), ServiceError (no reason)."""
    if not can_manage(actor, item.meeting.council):
        raise PermissionDenied(_("Only an organiser of %(name)s may do this.",
                                 name=item.meeting.council.unit.name))
    if item.meeting.state != "closed" or item.passed is None:
        raise InvalidState(_("Only a vote that was held can be reopened."))
    if item.reopened_at is not None:
        raise InvalidState(_("This vote has already been reopened."))
    if _granted(item.nomination_id):
        raise InvalidState(_("A decision grants this dossier: revoke the decision before "
                             "reopening the vote."))
    if item.nomination.state in ("submitted_up", "granted_up", "declined_up"):
        raise InvalidState(_("This dossier has been submitted to the superior on the "
                             "strength of this vote."))
    reason = clean(reason)
    if not reason:
        raise ServiceError(_("Give the reason for reopening the vote."))
    item.reopened_at, item.reopened_by_id, item.reopen_reason = utcnow(), actor.id, reason
    audit.record(db.session, actor=actor, action="ballot.reopen", obj=item.meeting,
                 summary=f"vote on nomination {item.nomination_id} reopened",
                 before={"passed": item.passed}, after={"reason": reason},
                 params={"id": item.nomination_id})
    db.session.commit()


def _granted(nomination_id: int) -> bool:
    from emulation.awards.decisions.models import Decision, DecisionItem

    return db.session.scalar(select(func.count()).select_from(DecisionItem).join(Decision)
                             .where(DecisionItem.nomination_id == nomination_id,
                                    Decision.state != "revoked")) > 0


def open_ballot(actor, meeting: CouncilMeeting, version) -> None:
    """Open the secret ballot (the secretary): a quorum present, at least `MIN_VOTES`
    members, an agenda. Draws the ballot's salt (see `ballot_box`). InvalidState otherwise."""
    _require_secretary(actor, meeting)
    check_version(meeting, version)
    if meeting.state != "scheduled":
        raise InvalidState(_("The ballot can be opened once."))
    total = len(meeting.council.members)
    present = len(meeting.attendance)
    if not meeting.items:
        raise InvalidState(_("The agenda is empty."))
    if total == 0 or Decimal(present) * 100 < Decimal(meeting.council.quorum_pct) * total:
        raise InvalidState(_("Quorum not met: %(present)s of %(total)s members present, "
                             "%(pct)s%% needed.", present=format_decimal(present),
                             total=format_decimal(total),
                             pct=format_decimal(meeting.council.quorum_pct)))
    if present < MIN_VOTES:
        raise InvalidState(_("A secret ballot needs at least %(n)s members present.",
                             n=format_decimal(MIN_VOTES)))
    meeting.state, meeting.members_total, meeting.members_present = "voting", total, present
    meeting.ballot_salt = ballot_box.new_salt()
    signals.ballot_opened.send(meeting, actor=actor)
    audit.record(db.session, actor=actor, action="meeting.open_ballot", obj=meeting,
                 summary=f"ballot opened: {present}/{total} present, {len(meeting.items)} items",
                 params={"present": present, "total": total, "items": len(meeting.items)})
    db.session.commit()


def votes_needed(meeting: CouncilMeeting) -> int:
    """The votes each item of this meeting needs before its ballot may close
    (`min_votes`)."""
    total = meeting.members_total or len(meeting.council.members)
    return min_votes(Decimal(meeting.council.quorum_pct), total)


def min_votes(quorum_pct: Decimal, members: int) -> int:
    """Votes an item needs before a ballot closes: at least `MIN_VOTES` (three), and at least
    the quorum (in percent) of the council's `members`, so that a result never tells one
    person's choice."""
    return max(MIN_VOTES, math.ceil(quorum_pct * members / 100))


def votes_cast(meeting: CouncilMeeting) -> dict[int, int]:
    """{agenda item id: number of members who have voted on it} — counts, never choices."""
    return dict(db.session.execute(
        select(BallotParticipation.item_id, func.count()).join(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id).group_by(BallotParticipation.item_id)).all())


def votes_written(meeting: CouncilMeeting) -> dict[int, int]:
    """{agenda item id: number of written opinions of absent members on it} — counts only."""
    return dict(db.session.execute(
        select(BallotParticipation.item_id, func.count()).join(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id, BallotParticipation.written.is_(True))
        .group_by(BallotParticipation.item_id)).all())


def written_by(meeting: CouncilMeeting) -> dict[int, set[int]]:
    """{agenda item id: ids of the members whose written opinion is recorded on it} — who,
    never what (for the secretary's page)."""
    rows = db.session.execute(
        select(BallotParticipation.item_id, BallotParticipation.member_id).join(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id, BallotParticipation.written.is_(True)))
    written: dict[int, set[int]] = {}
    for item_id, member_id in rows:
        written.setdefault(item_id, set()).add(member_id)
    return written


def absent_members(meeting: CouncilMeeting) -> list[CouncilMember]:
    """The council's members not recorded as present at the meeting, by name."""
    present = {a.member_id for a in meeting.attendance}
    return sorted((m for m in meeting.council.members if m.id not in present),
                  key=lambda m: (m.user.display_name or "", m.id))


def cast_vote(actor, item: AgendaItem, choice: str) -> None:
    """One vote of a present member: that they voted, and a sealed paper with their choice,
    written apart; nothing is counted and nothing audited until the ballot closes.
    PermissionDenied (not a present member), ServiceError (unknown choice), InvalidState
    (ballot not open, or voted already)."""
    meeting = item.meeting
    member = member_of(actor, meeting.council)
    if member is None:
        raise PermissionDenied(_("Only members of the council vote."))
    if not any(a.member_id == member.id for a in meeting.attendance):
        raise PermissionDenied(_("Only members recorded as present vote."))
    if choice not in CHOICES:
        raise ServiceError(_("Choose agree, disagree or abstain."))
    _drop_in_box(item, member.id, choice, written=False,
                 twice=_("You have already voted on this item."))


def record_written_opinion(actor, item: AgendaItem, member_id: int | None,
                           choice: str) -> None:
    """The written opinion (phiếu ý kiến bằng văn bản) of a member absent from the meeting,
    recorded by the secretary from the paper the member signed, while the ballot is open.

    It goes into the ballot box like a vote: a participation marked `written` and a sealed
    paper, no different from the others; nothing is counted and nothing audited until the
    ballot closes (the close names, alphabetically, who gave one). Only where the item's award
    allows written opinions (`AwardType.written_votes_allowed`; legal source in
    `catalogue.data.WRITTEN_VOTES_SOURCE`). `member_id` is a `CouncilMember` id.

    PermissionDenied (not the council's secretary); ServiceError (not a member of this
    council, unknown choice); InvalidState (ballot not open, the award takes no written
    opinions, the member is present — they vote in person —, or their opinion on this item is
    already recorded)."""
    meeting = item.meeting
    _require_secretary(actor, meeting)
    if meeting.state != "voting":
        raise InvalidState(_("The ballot is not open."))
    award = item.nomination.award_type
    if not award.written_votes_allowed:
        raise InvalidState(_("The rule of %(award)s does not take written opinions: only the "
                             "members present vote.", award=award.name))
    member = next((m for m in meeting.council.members if m.id == member_id), None)
    if member is None:
        raise ServiceError(_("Only a member of this council can give a written opinion."))
    if any(a.member_id == member.id for a in meeting.attendance):
        raise InvalidState(_("%(name)s is present at the meeting and votes in person.",
                             name=member.user.display_name))
    if choice not in CHOICES:
        raise ServiceError(_("Choose agree, disagree or abstain."))
    _drop_in_box(item, member.id, choice, written=True,
                 twice=_("The written opinion of %(name)s on this item is already recorded.",
                         name=member.user.display_name))


def _drop_in_box(item: AgendaItem, member_id: int, choice: str, *, written: bool,
                 twice: str) -> None:
    """Write that the member voted on the item and a sealed paper of `choice`, apart, and
    commit. InvalidState if the ballot is not open, or `twice` if the member voted already."""
    meeting = item.meeting
    # Take the meeting row's write lock and check the ballot is open in one statement, so a
    # vote cannot slip past the closing: PostgreSQL locks the row (a closing waits, or the vote
    # sees it closed); SQLite starts its write transaction here instead of at the INSERT below,
    # after a read that a closing could have overtaken. The salt is read under that lock.
    # The row keeps its updated_at: a vote stamps no time anywhere.
    salt = db.session.execute(
        update(CouncilMeeting).where(CouncilMeeting.id == meeting.id,
                                     CouncilMeeting.state == "voting")
        .values(state="voting", updated_at=CouncilMeeting.updated_at)
        .returning(CouncilMeeting.ballot_salt)
        .execution_options(synchronize_session=False)).scalar()
    if salt is None:
        db.session.rollback()
        raise InvalidState(_("The ballot is not open."))
    try:
        db.session.add(BallotParticipation(item_id=item.id, member_id=member_id,
                                           written=written))
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise InvalidState(twice) from None
    key = ballot_box.ballot_key(_secret(), salt, meeting.id)
    # the paper is the same whoever drops it: no member, no mark of a written opinion
    db.session.add(BallotPaper(id=ballot_box.new_paper_id(), item_id=item.id,
                               sealed=ballot_box.seal(key, item.id, choice)))
    db.session.commit()


def close_ballot(actor, meeting: CouncilMeeting, version) -> None:
    """Close the ballot (the secretary): open the papers, store each item's totals and
    result against its award's threshold, delete the papers, wipe the salt, and write in the
    audit log who voted on what item and who of them by a written opinion (never the
    choices, never the order). Written opinions are votes: they count in the totals, towards
    `votes_needed`, and in the base of the threshold — the members present plus the written
    opinions on the item for an award counted over those present; all the members for one
    counted over all. InvalidState if an item has fewer votes than `votes_needed`, fewer than
    `MIN_VOTES` of them cast by members present (the secretary read the written ones), or a
    paper does not open."""
    _require_secretary(actor, meeting)
    check_version(meeting, version)
    if meeting.state != "voting":
        raise InvalidState(_("The ballot is not open."))
    # The meeting's row lock first (a vote takes it too): no vote slips in after the count.
    db.session.execute(update(CouncilMeeting).where(CouncilMeeting.id == meeting.id)
                       .values(state="voting", updated_at=CouncilMeeting.updated_at)
                       .execution_options(synchronize_session=False))
    cast, needed = votes_cast(meeting), votes_needed(meeting)
    written = votes_written(meeting)
    short = [i for i in meeting.items if cast.get(i.id, 0) < needed]
    if short:
        db.session.rollback()
        raise InvalidState(_("The ballot cannot close yet: %(item)s has %(cast)s votes, and "
                             "every item needs at least %(needed)s so that no one's choice "
                             "can be told.", item=short[0].nomination.subject_name,
                             cast=format_decimal(cast.get(short[0].id, 0)),
                             needed=format_decimal(needed)))
    # The secretary read the written opinions off their papers: the votes of the members
    # present must be enough on their own that the totals tell no one of them.
    few = [i for i in meeting.items
           if 0 < written.get(i.id, 0) and cast.get(i.id, 0) - written[i.id] < MIN_VOTES]
    if few:
        db.session.rollback()
        raise InvalidState(_("The ballot cannot close yet: %(item)s has %(cast)s votes of "
                             "members present besides its written opinions, and needs at "
                             "least %(needed)s: the written opinions were read when they were "
                             "recorded, so fewer would let the totals tell a present member's "
                             "choice.", item=few[0].nomination.subject_name,
                             cast=format_decimal(cast.get(few[0].id, 0) - written[few[0].id]),
                             needed=format_decimal(MIN_VOTES)))
    try:
        tallies = _count_papers(meeting, cast)
    except ballot_box.UnreadablePaper:
        db.session.rollback()
        raise InvalidState(_("The ballot's papers do not match who voted, or cannot be opened "
                             "(the application's secret key changed, or the database was "
                             "altered): nothing was counted. Annul the ballot and vote "
                             "again.")) from None
    for item in meeting.items:
        db.session.refresh(item)
        for choice, count in tallies.get(item.id, {}).items():
            setattr(item, choice, getattr(item, choice) + count)
        award = item.nomination.award_type
        # a written opinion is a vote: over those present, its member joins the base
        base = meeting.members_total if award.vote_base == "all" else \
            (meeting.members_present or 0) + written.get(item.id, 0)
        item.base = base
        item.passed = bool(base) and Decimal(item.agree) * 100 >= \
            Decimal(award.vote_threshold_pct) * base
    db.session.execute(delete(BallotPaper).where(
        BallotPaper.item_id.in_([i.id for i in meeting.items])))
    meeting.state, meeting.ballot_salt = "closed", None
    audit.record(db.session, actor=actor, action="ballot.participation", obj=meeting,
                 summary=f"{len(cast)} items voted on", params={"items": len(cast)},
                 after=_participants(meeting))
    if written:
        audit.record(db.session, actor=actor, action="ballot.written_opinions", obj=meeting,
                     summary=f"{sum(written.values())} written opinions of absent members",
                     params={"count": sum(written.values())},
                     after=_participants(meeting, written=True))
    audit.record(db.session, actor=actor, action="meeting.close_ballot", obj=meeting,
                 summary=f"ballot closed: {sum(1 for i in meeting.items if i.passed)} of "
                         f"{len(meeting.items)} passed",
                 params={"passed": sum(1 for i in meeting.items if i.passed),
                         "items": len(meeting.items)},
                 after={str(i.nomination_id): [i.agree, i.disagree, i.abstain, i.passed]
                        for i in meeting.items})
    db.session.commit()


def annul_ballot(actor, meeting: CouncilMeeting, version, reason: str) -> None:
    """Annul an open ballot (the secretary, with a reason; audited): its papers and who voted
    are deleted, the salt wiped, and the meeting is scheduled again — for a ballot that cannot
    close (members who will not vote, papers that do not open). PermissionDenied,
    InvalidState (not open), ServiceError (no reason)."""
    _require_secretary(actor, meeting)
    check_version(meeting, version)
    if meeting.state != "voting":
        raise InvalidState(_("The ballot is not open."))
    reason = clean(reason)
    if not reason:
        raise ServiceError(_("Give the reason for annulling the ballot."))
    items = [i.id for i in meeting.items]
    db.session.execute(delete(BallotPaper).where(BallotPaper.item_id.in_(items)))
    db.session.execute(delete(BallotParticipation).where(BallotParticipation.item_id.in_(items)))
    meeting.state, meeting.ballot_salt, meeting.members_total = "scheduled", None, None
    audit.record(db.session, actor=actor, action="ballot.annul", obj=meeting,
                 summary="ballot annulled: papers destroyed, nothing counted", params={},
                 after={"reason": reason})
    db.session.commit()


def _count_papers(meeting: CouncilMeeting, cast: dict[int, int]) -> dict[int, dict[str, int]]:
    """{item id: {choice: count}} from the sealed papers. UnreadablePaper if a paper does not
    open, or if the box was tampered with: each item must hold exactly one paper per member
    who voted on it (`cast`), all distinct — so that no one can delete or copy papers in the
    database to make the count reveal a single choice."""
    key = ballot_box.ballot_key(_secret(), meeting.ballot_salt, meeting.id)
    tallies: dict[int, dict[str, int]] = {}
    seen: set[bytes] = set()
    for item_id, sealed in db.session.execute(select(BallotPaper.item_id, BallotPaper.sealed)
                                              .join(AgendaItem)
                                              .where(AgendaItem.meeting_id == meeting.id)):
        sealed = bytes(sealed)
        if sealed in seen:
            raise ballot_box.UnreadablePaper
        seen.add(sealed)
        choice = ballot_box.unseal(key, item_id, sealed)
        counts = tallies.setdefault(item_id, {})
        counts[choice] = counts.get(choice, 0) + 1
    if {i: sum(c.values()) for i, c in tallies.items()} != {i: n for i, n in cast.items() if n}:
        raise ballot_box.UnreadablePaper
    return tallies


def _participants(meeting: CouncilMeeting, written: bool = False) -> dict[str, list[str]]:
    """{nomination id: the usernames who voted on it, in alphabetical order} — only those who
    voted by a written opinion if `written`."""
    stmt = (select(AgendaItem.nomination_id, User.username).select_from(BallotParticipation)
            .join(AgendaItem)
            .join(CouncilMember, CouncilMember.id == BallotParticipation.member_id)
            .join(User, User.id == CouncilMember.user_id)
            .where(AgendaItem.meeting_id == meeting.id))
    if written:
        stmt = stmt.where(BallotParticipation.written.is_(True))
    rows = db.session.execute(stmt)
    voters: dict[str, list[str]] = {}
    for nomination_id, username in rows:
        voters.setdefault(str(nomination_id), []).append(username)
    return {k: sorted(v) for k, v in voters.items()}


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def voted_items(actor, meeting: CouncilMeeting) -> set[int]:
    member = member_of(actor, meeting.council)
    if member is None:
        return set()
    return set(db.session.scalars(select(BallotParticipation.item_id).join(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id, BallotParticipation.member_id == member.id)))


def _require_secretary(actor, meeting: CouncilMeeting) -> None:
    if not is_secretary(actor, meeting.council):
        raise PermissionDenied(_("Only the council's secretary may do this."))
