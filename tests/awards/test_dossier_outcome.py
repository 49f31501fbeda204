"""A dossier shows its outcome after the vote and the decision; `/decisions/new` explains the
passed nominations that wait (issue 16, "No dead ends")."""
from datetime import date, timedelta

from sqlalchemy import select

from emulation.awards.catalogue.services import award_by_code
from emulation.awards.decisions import services as ds
from emulation.awards.nominations.models import Nomination
from emulation.core.calendar import add_working_days, holidays
from emulation.core.web import local_today
from emulation.extensions import db
from emulation.org.models import Unit
from tests.awards.conftest import _user, close_with, make_meeting, passed_dossiers

# pages act on the day they are called: the dossiers are published well before
PAST = local_today() - timedelta(days=60)


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _grant(world, n, number: str) -> object:
    """`n` granted by an issued decision of the top unit, signed today."""
    today = local_today()
    top = db.session.get(Unit, world.top.id)
    decision = ds.create_decision(_user("tochuc"), top, number=number, signed_on=today,
                                  signer="Chủ tịch", nominations=[n], today=today)
    ds.issue(_user("tochuc"), decision, decision.version, today)
    return decision


def _pages(login, nid: int) -> list[str]:
    """The dossier and the nominations list as the organiser sees them, and the list as the
    proposing unit's officer sees it."""
    return [login("tochuc").get(f"/nominations/{nid}").get_data(as_text=True),
            login("tochuc").get("/nominations/").get_data(as_text=True),
            login("donvi1").get("/nominations/").get_data(as_text=True)]


def test_a_dossier_shows_passed_then_granted_by_its_decision_number(world, in_app, login):
    with in_app():
        (n,) = passed_dossiers(world, [("GK", "regular")], published_on=PAST)
        nid = n.id
    for page in _pages(login, nid):
        assert "Được Hội đồng thông qua (5/5)" in page
    with in_app():
        _grant(world, db.session.get(Nomination, nid), "16/QĐ-CĐCT")
    for page in _pages(login, nid):
        assert f"Đã khen thưởng — QĐ 16/QĐ-CĐCT ngày {_day(local_today())}" in page
        assert "Được Hội đồng thông qua" not in page


def test_a_dossier_shows_not_passed_after_a_failed_vote(world, in_app, login):
    with in_app():
        meeting = make_meeting(world)
        close_with(meeting, "disagree")
        nid = meeting.items[0].nomination_id
    for page in _pages(login, nid):
        # the five members and the secretary present, none for
        assert "Không được Hội đồng thông qua (0/6)" in page
    heading = _pages(login, nid)[0].split("<h1")[1].split("</h1>")[0]
    assert "Không được Hội đồng thông qua" in heading
    assert ">Đã đưa vào chương trình họp Hội đồng<" not in heading


def test_a_dossier_shows_revoked_once_its_decision_is_revoked(world, in_app, login):
    with in_app():
        (n,) = passed_dossiers(world, [("GK", "regular")], published_on=PAST)
        nid = n.id
        decision = _grant(world, n, "17/QĐ-CĐCT")
        ds.revoke(_user("tochuc"), decision, decision.version, "Sai đối tượng")
    for page in _pages(login, nid):
        assert "Đã thu hồi — QĐ 17/QĐ-CĐCT" in page
        assert "Đã khen thưởng" not in page


def test_a_dossier_shows_its_publication_and_decisions_new_the_day_it_may_be_granted(
        world, in_app, login):
    today = local_today()
    with in_app():
        from emulation.awards.catalogue.data import seed
        seed(db.session)
        award_by_code("GK").publication_days = 5
        db.session.commit()
        (n,) = passed_dossiers(world, [("GK", "regular")], published_on=today)
        nid = n.id
        ends = add_working_days(today, 5, holidays(db.session))
    for page in _pages(login, nid):
        assert f"Đang công khai đến {_day(ends)}" in page
    page = login("tochuc").get("/decisions/new").get_data(as_text=True)
    waiting = page.split("decision-waiting")[1]
    assert f"#{nid}" in waiting
    assert f"thời hạn công khai kết thúc ngày {_day(ends)}" in waiting
    assert f"có thể khen thưởng từ ngày {_day(ends + timedelta(days=1))}" in waiting
    assert f'name="nomination" value="{nid}"' not in page


def test_decisions_new_explains_a_nomination_waiting_for_an_objection(world, in_app, login):
    with in_app():
        (n,) = passed_dossiers(world, [("GK", "regular")], published_on=PAST)
        nid = n.id
        ds.object_to(_user("donvi2"), n, "Thành tích chưa được xác minh đầy đủ.", today=PAST)
    page = login("tochuc").get("/decisions/new").get_data(as_text=True)
    waiting = page.split("decision-waiting")[1]
    assert f"#{nid}" in waiting and "chưa được xử lý" in waiting
    assert f'name="nomination" value="{nid}"' not in page


def test_a_zero_day_publication_is_grantable_the_same_day(world, in_app, login):
    today = local_today()
    with in_app():
        (n,) = passed_dossiers(world, [("GK", "regular")], published_on=today)
        nid = n.id
        assert n.award_type.publication_days == 0
        assert ds.grantable(n, today) is None
    page = login("tochuc").get("/decisions/new").get_data(as_text=True)
    assert f'name="nomination" value="{nid}"' in page
    assert "decision-waiting" not in page


def test_a_publication_of_days_waits_through_its_last_day(world, ctx):
    """The period of N days still includes its last day: no grant before the day after."""
    from emulation.awards.catalogue.data import seed

    seed(db.session)
    award_by_code("GK").publication_days = 5
    db.session.commit()
    published_on = date(2026, 12, 21)
    (n,) = passed_dossiers(world, [("GK", "regular")], published_on=published_on)
    ends = add_working_days(published_on, 5, holidays(db.session))
    assert ds.grantable(n, ends) == f"đang công khai đến {_day(ends)}"
    assert ds.grantable(n, ends + timedelta(days=1)) is None


def test_the_nominations_list_reads_outcomes_in_bounded_queries(world, ctx, queries):
    few = passed_dossiers(world, [("GK", "regular")], published_on=PAST)
    db.session.expire_all()
    few = db.session.scalars(select(Nomination)).all()
    with queries() as small:
        assert set(ds.outcomes(few, local_today())) == {few[0].id}
    passed_dossiers(world, [("GK", "one_off"), ("BK_BO", "regular"), ("GK", "regular")],
                    published_on=PAST, year=2025)
    db.session.expire_all()
    many = db.session.scalars(select(Nomination)).all()
    with queries() as large:
        assert len(ds.outcomes(many, local_today())) == 4
    assert len(small) == len(large) == 3


def test_objections_are_received_while_the_list_is_published_and_before_the_grant(
        world, in_app, login):
    """Ý kiến phản ánh: during the publication (its last day included), never after its end
    nor once a decision granted the nomination (a complaint then follows the Law on
    Complaints); the page says until when instead of offering the form."""
    import pytest

    from emulation.core.errors import InvalidState

    today = local_today()
    with in_app():
        (n,) = passed_dossiers(world, [("GK", "regular")], published_on=PAST)
        nid = n.id
        with pytest.raises(InvalidState, match="công khai đến hết ngày"):
            ds.object_to(_user("donvi2"), n, "Muộn", today=PAST + timedelta(days=1))
        assert ds.object_to(_user("donvi2"), n, "Đúng hạn", today=PAST).state == "open"
    page = login("xem").get("/publications/").get_data(as_text=True)
    assert f"Ý kiến phản ánh được nhận đến hết ngày {_day(PAST)}." in page
    assert f"/nominations/{nid}/objections" not in page
    late = login("xem").post(f"/nominations/{nid}/objections", data={"text": "Muộn"})
    assert late.status_code == 409 and "chỉ được nhận trong thời gian công khai" in \
        late.get_data(as_text=True)
    with in_app():
        (granted,) = passed_dossiers(world, [("LDTT", "one_off")], published_on=today,
                                     publish=True)
        top = db.session.get(Unit, world.top.id)
        decision = ds.create_decision(_user("tochuc"), top, number="21/QĐ-CĐCT",
                                      signed_on=today, signer="Nguyễn Văn Hùng",
                                      nominations=[granted], today=today)
        ds.issue(_user("tochuc"), decision, decision.version, today)
        with pytest.raises(InvalidState, match="21/QĐ-CĐCT đã khen thưởng"):
            ds.object_to(_user("donvi2"), granted, "Sau quyết định", today=today)
