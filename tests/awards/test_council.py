from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select

from emulation.auth.models import User
from emulation.awards import council as cs
from emulation.awards import nominations as nom
from emulation.awards.catalogue import seed
from emulation.awards.models import AgendaItem, Appraisal, BallotParticipation, Nomination
from emulation.awards.services import award_by_code
from emulation.core.audit import AuditEvent
from emulation.core.errors import InvalidState, PermissionDenied
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Person, Unit
from tests.factories import gen_user


def _user(name):
    return db.session.scalar(select(User).where(User.username == name))


@pytest.fixture
def meeting(world, ctx):
    """A council of the top unit with a secretary and five members; one dossier per award on
    the agenda (LĐTT: majority of those present; CSTĐ bộ: 90% of all members)."""
    seed(db.session)
    top = db.session.get(Unit, world.top.id)
    council = cs.create_council(SYSTEM, top, "Hội đồng TĐKT", Decimal("66.67"))
    cs.add_member(SYSTEM, council, _user("thuky"), "secretary")
    for i in range(1, 6):
        user = _user("hoidong1") if i == 1 else gen_user(f"hd{i}", "council_member", top)
        cs.add_member(SYSTEM, council, user, "chair" if i == 1 else "member")
    unit1 = db.session.get(Unit, world.unit1.id)
    person = db.session.get(Person, world.person1.id)
    db.session.add(Appraisal(person_id=person.id, year=2026, level="good"))
    db.session.commit()
    dossiers = []
    for code in ("LDTT", "CSTD_BO"):
        n = nom.create(SYSTEM, award=award_by_code(code), year=2026, proposing_unit=unit1,
                       person=person, texts={"summary": "Thành tích"})
        nom.submit(SYSTEM, n, n.version, "Giải trình")
        nom.receive(SYSTEM, n, n.version)
        for _level in range(2):
            nom.forward(SYSTEM, n, n.version)
            nom.receive(SYSTEM, n, n.version)
        nom.put_on_agenda(SYSTEM, n, n.version)
        dossiers.append(n)
    meeting = cs.schedule(_user("thuky"), council, "Phiên họp năm 2026", date(2026, 12, 20))
    for n in dossiers:
        cs.add_to_agenda(_user("thuky"), meeting, n)
    return meeting


def _attend(meeting, usernames):
    members = [m.id for m in meeting.council.members if m.user.username in usernames]
    cs.set_attendance(_user("thuky"), meeting, meeting.version, members)


def test_quorum_is_required_to_open(meeting):
    _attend(meeting, ["thuky", "hoidong1", "hd2", "hd3"])  # 4 of 6 = 66.6% < 66.67%
    with pytest.raises(InvalidState):
        cs.open_ballot(_user("thuky"), meeting, meeting.version)
    _attend(meeting, ["thuky", "hoidong1", "hd2", "hd3", "hd4"])
    cs.open_ballot(_user("thuky"), meeting, meeting.version)
    assert meeting.state == "voting" and meeting.members_present == 5


def test_only_the_secretary_runs_the_meeting(meeting):
    with pytest.raises(PermissionDenied):
        _attend_as(meeting, "hoidong1")
    with pytest.raises(PermissionDenied):
        cs.open_ballot(_user("admin"), meeting, meeting.version)


def _attend_as(meeting, username):
    cs.set_attendance(_user(username), meeting, meeting.version, [])


def test_votes_tally_thresholds_and_secrecy(meeting):
    _attend(meeting, ["thuky", "hoidong1", "hd2", "hd3", "hd4", "hd5"])
    cs.open_ballot(_user("thuky"), meeting, meeting.version)
    ldtt, cstd = meeting.items
    choices = {"thuky": "agree", "hoidong1": "agree", "hd2": "agree", "hd3": "agree",
               "hd4": "disagree", "hd5": "abstain"}
    for name, choice in choices.items():
        cs.cast_vote(_user(name), ldtt, choice)
        cs.cast_vote(_user(name), cstd, choice)
    with pytest.raises(InvalidState):  # a second vote
        cs.cast_vote(_user("hd2"), ldtt, "disagree")
    outsider = gen_user("ngoai", "viewer", db.session.get(Unit, meeting.council.unit_id))
    with pytest.raises(PermissionDenied):
        cs.cast_vote(outsider, ldtt, "agree")
    cs.close_ballot(_user("thuky"), meeting, meeting.version)
    db.session.refresh(ldtt)
    db.session.refresh(cstd)
    assert (ldtt.agree, ldtt.disagree, ldtt.abstain, ldtt.base) == (4, 1, 1, 6)
    assert ldtt.passed is True          # 4/6 = 67% ≥ 50% of those present
    assert cstd.passed is False         # 4/6 < 90% of all members
    with pytest.raises(InvalidState):   # closed: nothing more is accepted
        cs.cast_vote(_user("hd5"), ldtt, "agree")
    # Secrecy: no stored row links a member to a choice.
    participation_columns = {c.key for c in inspect(BallotParticipation).columns}
    assert participation_columns == {"id", "item_id", "member_id"}
    item_columns = {c.key for c in inspect(AgendaItem).columns}
    assert not {"member_id", "user_id", "choice"} & item_columns
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.action ==
                                                             "ballot.vote")):
        text = f"{event.summary} {event.before} {event.after}"
        assert not any(word in text for word in ("agree", "disagree", "abstain"))


def test_absent_member_cannot_vote(meeting):
    _attend(meeting, ["thuky", "hoidong1", "hd2", "hd3", "hd4"])
    cs.open_ballot(_user("thuky"), meeting, meeting.version)
    with pytest.raises(PermissionDenied):
        cs.cast_vote(_user("hd5"), meeting.items[0], "agree")


def test_agenda_only_takes_dossiers_on_the_agenda(meeting, world):
    other = nom.create(SYSTEM, award=award_by_code("CSTDCS"), year=2026,
                       proposing_unit=db.session.get(Unit, world.unit1.id),
                       person=db.session.get(Person, world.person1.id),
                       texts={"summary": "x"})
    with pytest.raises(InvalidState):
        cs.add_to_agenda(_user("thuky"), meeting, other)
    with pytest.raises(InvalidState):  # already on this meeting's agenda
        cs.add_to_agenda(_user("thuky"), meeting, db.session.scalar(
            select(Nomination).where(Nomination.state == "on_agenda")))


def test_meeting_pages(world, login, in_app):
    with in_app():
        top = db.session.get(Unit, world.top.id)
        council = cs.create_council(SYSTEM, top, "Hội đồng", Decimal(50))
        cs.add_member(SYSTEM, council, _user("thuky"), "secretary")
        cs.add_member(SYSTEM, council, _user("hoidong1"), "member")
        meeting_id = cs.schedule(SYSTEM, council, "Phiên 1", date(2026, 12, 1)).id
        council_id = council.id
    assert login("hoidong1").get(f"/meetings/{meeting_id}").status_code == 200
    assert login("donvi1").get(f"/meetings/{meeting_id}").status_code == 404
    secretary = login("thuky")
    assert secretary.get(f"/councils/{council_id}").status_code == 200
    refused = secretary.post(f"/meetings/{meeting_id}/open", data={"version": "1"})
    assert refused.status_code == 409  # empty agenda
    assert login("hoidong1").post(f"/meetings/{meeting_id}/open",
                                  data={"version": "1"}).status_code == 403
