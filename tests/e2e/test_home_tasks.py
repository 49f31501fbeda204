"""Each role lands on its work (issue 16): in a real browser, each account of the test world
opens the home page and sees its tasks with their deadlines, the navigation's count, and a
task's link leads to the page where it is done.

A campaign and a council of their own, so that the yearly cycle of test_cycle.py is not
changed."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from emulation.core.web import local_today

TODAY = local_today()
TITLE = "Thi đua kiểm tra trang chủ"
MEETING = "Phiên họp kiểm tra trang chủ"

pytestmark = pytest.mark.usefixtures("e2e_world")


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


@pytest.fixture(scope="module")
def tasks(live_app, e2e_world):
    """CS-1 and CS-3 take part in a published campaign (registration closes in 10 days); CS-3
    submitted its pledge; giamkhao scores it as the council; a council of branch A with
    thuky as secretary has a meeting scheduled in 5 days, and one of CS-3 (thuky its
    secretary too) has its ballot open for hoidong1 on a dossier of CS-3."""
    from emulation.awards.catalogue.services import award_by_code
    from emulation.awards.councils import services as councils
    from emulation.awards.nominations import services as nom
    from emulation.core.permissions import SYSTEM
    from emulation.extensions import db
    from emulation.org.models import Unit
    from emulation.pledges import services as ps
    from emulation.scoring import services as scoring
    from tests.factories import gen_campaign

    with live_app.app_context():
        from sqlalchemy import select

        from emulation.auth.models import User

        def user(name):
            return db.session.scalar(select(User).where(User.username == name))

        top, branch_a, unit1, unit3 = (db.session.get(Unit, u.id) for u in (
            e2e_world.top, e2e_world.branch_a, e2e_world.unit1, e2e_world.unit3))
        campaign = gen_campaign(top, title=TITLE, year=TODAY.year, participants=[unit1, unit3],
                                registration_deadline=TODAY + timedelta(days=10))
        pledge = ps.save_pledge(SYSTEM, campaign, unit3, 0, {
            campaign.movements[0].id: {"commitment": "Hoàn thành kế hoạch"}})
        ps.submit(SYSTEM, pledge, pledge.version, TODAY)
        settings = scoring.settings_for(campaign)
        settings.council_opens, settings.council_closes = TODAY, TODAY + timedelta(days=20)
        db.session.commit()
        scoring.name_council_scorer(SYSTEM, campaign, user("giamkhao"))

        prepared = councils.create_council(SYSTEM, branch_a, "Hội đồng kiểm tra A",
                                           Decimal("66.67"))
        councils.add_member(SYSTEM, prepared, user("thuky"), "secretary")
        councils.schedule(user("thuky"), prepared, MEETING, TODAY + timedelta(days=5))

        voting = councils.create_council(SYSTEM, unit3, "Hội đồng kiểm tra CS-3",
                                         Decimal("50"))
        councils.add_member(SYSTEM, voting, user("thuky"), "secretary")
        for i, name in enumerate(("hoidong1", "hd5", "hd6", "hd7")):
            councils.add_member(SYSTEM, voting, user(name), "chair" if i == 0 else "member")
        n = nom.create(SYSTEM, award=award_by_code("GK"), year=TODAY.year,
                       proposing_unit=unit3, unit=unit3, texts={"summary": "Thành tích"})
        nom.submit(SYSTEM, n, n.version, "Giải trình của đơn vị")
        nom.receive(SYSTEM, n, n.version)
        nom.put_on_agenda(SYSTEM, n, n.version)
        secretary = user("thuky")
        meeting = councils.schedule(secretary, voting, "Phiên bỏ phiếu kiểm tra", TODAY)
        councils.add_to_agenda(secretary, meeting, n)
        councils.set_attendance(secretary, meeting, meeting.version,
                                [m.id for m in voting.members])
        councils.open_ballot(secretary, meeting, meeting.version)
        ids = {"campaign": campaign.id, "unit1": unit1.id, "meeting": meeting.id}
        db.session.remove()
    return ids


def _home(page):
    page.goto("/")
    return page.locator("#tasks")


def test_the_organiser_sees_the_pledges_waiting_and_opens_them(open_as, tasks):
    page = open_as("tochuc")
    section = _home(page)
    group = section.locator("[data-kind=pledges_to_review]")
    expect(group).to_contain_text("Bản đăng ký chờ duyệt")
    task = group.locator("li.task", has_text=TITLE)
    expect(task).to_contain_text(f"hạn đăng ký {_day(TODAY + timedelta(days=10))}")
    expect(task).to_contain_text("còn 10 ngày")
    expect(page.locator("#nav-tasks .badge")).to_be_visible()
    task.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/campaigns/{tasks['campaign']}/pledges\?state=submitted"))
    expect(page.locator("h1")).to_be_visible()


def test_the_unit_officer_sees_its_pledge_due_and_opens_it(open_as, tasks):
    page = open_as("donvi1")
    task = _home(page).locator("[data-kind=pledges_due] li.task", has_text=TITLE)
    expect(task).to_contain_text("còn 10 ngày")
    task.get_by_role("link").click()
    page.wait_for_url(re.compile(
        rf"/campaigns/{tasks['campaign']}/units/{tasks['unit1']}/pledge$"))


def test_the_scorer_sees_its_sheets_and_their_window(open_as, tasks):
    page = open_as("giamkhao")
    group = _home(page).locator("[data-kind=sheets]")
    expect(group).to_contain_text("Phiếu chấm điểm cần chấm")
    task = group.locator("li.task", has_text=TITLE).first  # the yearly cycle's may be there
    expect(task).to_contain_text(
        f"thời gian chấm {_day(TODAY)} – {_day(TODAY + timedelta(days=20))}")
    task.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/sheets/\d+$"))


def test_the_secretary_sees_the_meeting_to_prepare(open_as, tasks):
    page = open_as("thuky")
    task = _home(page).locator("[data-kind=meetings] li.task", has_text=MEETING)
    expect(task).to_contain_text(f"họp ngày {_day(TODAY + timedelta(days=5))}")
    task.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    expect(page.locator("h1")).to_contain_text(MEETING)


def test_the_council_member_sees_the_open_ballot(open_as, tasks):
    page = open_as("hoidong1")
    task = _home(page).locator("[data-kind=ballots] li.task", has_text="Phiên bỏ phiếu kiểm tra")
    expect(task).to_contain_text("còn 1 nội dung chưa bỏ phiếu")
    task.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/meetings/{tasks['meeting']}$"))


def test_the_viewer_is_told_nothing_is_waiting(open_as, tasks):
    page = open_as("xem")
    expect(_home(page)).to_contain_text("Không có việc nào đang chờ bạn.")
    expect(page.locator("#nav-tasks .badge")).to_have_count(0)
