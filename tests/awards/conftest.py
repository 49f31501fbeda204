"""Fixtures of the award areas' tests: a council meeting with its agenda."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from emulation.auth.models import User
from emulation.awards.catalogue.data import seed
from emulation.awards.catalogue.services import award_by_code
from emulation.awards.councils import services as cs
from emulation.awards.decisions import services as ds
from emulation.awards.nominations import services as nom
from emulation.awards.records.models import Appraisal
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Person, Unit
from tests.factories import gen_user


def _user(name: str) -> User:
    """The account with this username."""
    return db.session.scalar(select(User).where(User.username == name))


@pytest.fixture
def meeting(world, ctx):
    """A council of the top unit with a secretary and five members; one dossier per award on
    the agenda (LĐTT: majority of those present; CSTĐ bộ: 90% of all members)."""
    return make_meeting(world)


@pytest.fixture
def meeting_id(world, in_app):
    """`meeting`'s id, made in an app context of its own, for tests that send requests (a
    request must not share the test's app context: `g` would carry the last user)."""
    with in_app():
        return make_meeting(world).id


def make_meeting(world):
    """The meeting of the `meeting` fixture."""
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


def close_with(meeting, choice: str) -> None:
    """Every member present and voting `choice` on every item, then the ballot closed."""
    members = [m.id for m in meeting.council.members]
    cs.set_attendance(_user("thuky"), meeting, meeting.version, members)
    cs.open_ballot(_user("thuky"), meeting, meeting.version)
    for member in meeting.council.members:
        for item in meeting.items:
            cs.cast_vote(member.user, item, choice)
    cs.close_ballot(_user("thuky"), meeting, meeting.version)


def passed_dossiers(world, specs, *, at=None, year=2026, publish=True, subject=None,
            published_on=date(2026, 12, 21)):
    """Nominations by CS-1 of person1 (or `subject`) for each (award code, kind), climbed to
    the unit `at` (the top by default), passed unanimously by that unit's council and, when
    `publish`, published on `published_on`. Returns the nominations in order."""
    seed(db.session)
    level = db.session.get(Unit, (at or world.top).id)
    unit1 = db.session.get(Unit, world.unit1.id)
    person = subject or db.session.get(Person, world.person1.id)
    council = cs.create_council(SYSTEM, level, f"Hội đồng TĐKT {level.code}", Decimal("66.67"))
    cs.add_member(SYSTEM, council, _user("thuky"), "secretary")
    cs.add_member(SYSTEM, council, _user("hoidong1"), "chair")
    for i in range(2, 5):
        user = _user(f"hd{i}") or gen_user(f"hd{i}", "council_member", level)
        cs.add_member(SYSTEM, council, user, "member")
    dossiers = []
    for code, kind in specs:
        n = nom.create(SYSTEM, award=award_by_code(code), year=year, proposing_unit=unit1,
                       person=person, texts={"summary": "Thành tích xuất sắc"}, kind=kind)
        nom.submit(SYSTEM, n, n.version, "Giải trình của đơn vị")
        nom.receive(SYSTEM, n, n.version)
        while n.level_unit_id != level.id:
            nom.forward(SYSTEM, n, n.version)
            nom.receive(SYSTEM, n, n.version)
        nom.put_on_agenda(SYSTEM, n, n.version)
        dossiers.append(n)
    meeting = cs.schedule(_user("thuky"), council, f"Phiên họp {year}", date(2026, 12, 18))
    for n in dossiers:
        cs.add_to_agenda(_user("thuky"), meeting, n)
    close_with(meeting, "agree")
    if publish:
        ds.publish(_user("tochuc") if level.parent_id is None else _user("tochuc_a"), meeting,
                   published_on)
    return dossiers
