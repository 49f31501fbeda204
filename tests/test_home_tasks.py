"""The home page is a task list per role (issue 16, "Land on your work"): each role sees its
tasks with their deadlines and a link to where each is done, a role with nothing to do says
so, a unit officer never sees another unit's tasks, and the navigation counts the tasks in
one query."""
import re
from datetime import date, timedelta

from emulation.awards.decisions import services as ds
from emulation.awards.nominations import services as nom
from emulation.awards.nominations.models import Nomination
from emulation.campaigns.models import Campaign
from emulation.core.permissions import SYSTEM
from emulation.core.web import local_today
from emulation.org.models import Unit
from emulation.pledges import services as ps
from tests.awards.conftest import _user, make_meeting, passed_dossiers
from tests.factories import gen_unit, gen_user


def _tasks(html: str) -> str:
    """The task section of the home page."""
    return html[html.index('<section id="tasks"'):html.index("</section>")]


def _links(section: str) -> list[str]:
    return sorted(set(re.findall(r'href="([^"#]+)"', section)))


def _group(section: str, kind: str) -> str:
    match = re.search(rf'data-kind="{kind}".*?</ul>', section, re.S)
    assert match, f"no task group {kind}"
    return match.group(0)


def _nav_count(html: str) -> int:
    match = re.search(r'id="nav-tasks"[^>]*>[^<]*(?:<span[^>]*>([\d.]+)</span>)?', html)
    return int(match.group(1).replace(".", "")) if match and match.group(1) else 0


def _submit_pledge(world, cworld, unit_ref) -> None:
    from emulation.extensions import db

    campaign = db.session.get(Campaign, cworld.campaign)
    pledge = ps.save_pledge(SYSTEM, campaign, db.session.get(Unit, unit_ref.id), 0,
                            {cworld.movements[0]: {"commitment": "Hoàn thành kế hoạch"}})
    ps.submit(SYSTEM, pledge, pledge.version, date(2026, 2, 1))


def test_a_unit_officer_sees_what_is_due_for_its_unit_with_deadlines(world, cworld, login):
    section = _tasks(login("donvi2").get("/").get_data(as_text=True))
    pledges = _group(section, "pledges_due")
    assert f"/campaigns/{cworld.campaign}/units/{world.unit2.id}/pledge" in pledges
    assert "hạn đăng ký 31/12/2099" in pledges and "còn " in pledges
    reports = _group(section, "reports_due")
    assert (f"/campaigns/{cworld.campaign}/units/{world.unit2.id}/reports/{cworld.period}"
            in reports)
    assert "30/06/2026" in reports
    days = (date(2026, 6, 30) - local_today()).days
    assert ("quá hạn" if days < 0 else "còn") in reports
    # CS-1's officer: its report (a draft) is due, its self sheet is open; its pledge was
    # approved, so it is not due
    section = _tasks(login("donvi1").get("/").get_data(as_text=True))
    assert f"/sheets/{cworld.sheet}" in _group(section, "sheets")
    assert 'data-kind="pledges_due"' not in section
    assert f"/units/{world.unit1.id}/reports/{cworld.period}" in _group(section, "reports_due")


def test_a_report_due_before_the_pledge_is_approved_says_so(world, cworld, login):
    """CS-2's pledge is not approved: its report is due, but cannot be written yet (the
    report page refuses it), and the task says so (tester's finding); CS-1's approved
    pledge's report carries no such mark."""
    pending = _group(_tasks(login("donvi2").get("/").get_data(as_text=True)), "reports_due")
    assert "sau khi bản đăng ký được duyệt" in pending
    ready = _group(_tasks(login("donvi1").get("/").get_data(as_text=True)), "reports_due")
    assert f"/units/{world.unit1.id}/reports/{cworld.period}" in ready
    assert "sau khi bản đăng ký được duyệt" not in ready


def test_a_unit_officer_never_sees_nor_opens_another_units_tasks(world, cworld, login):
    one = login("donvi1")
    two = login("donvi2")
    mine = _tasks(one.get("/").get_data(as_text=True))
    theirs = _tasks(two.get("/").get_data(as_text=True))
    assert world.unit2.name not in mine and f"/units/{world.unit2.id}/" not in mine
    assert world.unit1.name not in theirs and f"/units/{world.unit1.id}/" not in theirs
    links = _links(mine)
    assert links
    for link in links:  # trying: each of donvi1's tasks is refused to donvi2
        assert one.get(link).status_code == 200, link
        assert two.get(link).status_code in (403, 404), link


def test_the_organiser_sees_pledges_reports_and_dossiers_waiting(world, cworld, in_app, login):
    with in_app():
        _submit_pledge(world, cworld, world.unit2)
        from emulation.extensions import db

        n = nom.create(SYSTEM, award=_award("GK"), year=2026,
                       proposing_unit=db.session.get(Unit, world.unit1.id),
                       unit=db.session.get(Unit, world.unit1.id),
                       texts={"summary": "Thành tích"})
        nom.submit(SYSTEM, n, n.version, "Giải trình")
        nid = n.id
    client = login("tochuc")
    html = client.get("/").get_data(as_text=True)
    section = _tasks(html)
    pledges = _group(section, "pledges_to_review")
    assert f"/campaigns/{cworld.campaign}/pledges?state=submitted" in pledges
    assert "1 bản đăng ký đã gửi" in pledges
    reports = _group(section, "reports_to_follow")
    assert "đã nộp 0/2 báo cáo" in reports and "30/06/2026" in reports
    assert f"/nominations/{nid}" in _group(section, "dossiers_to_receive")
    for link in _links(section):
        assert client.get(link).status_code == 200, link
    # the badge counts the tasks listed: one line per task
    assert _nav_count(html) == len(re.findall(r'<li class="task">', section)) == 3
    # the branch organiser receives the dossier of its unit; the top's pledges are not theirs
    section = _tasks(login("tochuc_a").get("/").get_data(as_text=True))
    assert f"/nominations/{nid}" in _group(section, "dossiers_to_receive")
    assert 'data-kind="pledges_to_review"' not in section


def test_the_organiser_sees_objections_to_resolve_and_decisions_to_issue(world, in_app,
                                                                         login):
    past = local_today() - timedelta(days=60)
    with in_app():
        waiting, ready = passed_dossiers(world, [("GK", "regular"), ("LDTT", "regular")],
                                         published_on=past)
        ds.object_to(_user("xem"), waiting, "Chưa đủ tiêu chuẩn", today=past)
        ids = waiting.id, ready.id
    client = login("tochuc")
    section = _tasks(client.get("/").get_data(as_text=True))
    objections = _group(section, "objections_to_resolve")
    assert f"#{ids[0]} " in objections and "/publications/" in objections
    decisions = _group(section, "decisions_to_issue")
    assert f"/nominations/{ids[0]}" in decisions and f"/nominations/{ids[1]}" in decisions
    for link in _links(section):
        assert client.get(link).status_code == 200, link
    # once granted, the nomination leaves the list
    with in_app() as session:
        top = session.get(Unit, world.top.id)
        decision = ds.create_decision(_user("tochuc"), top, number="20/QĐ-CĐCT",
                                      signed_on=local_today(), signer="Chủ tịch",
                                      nominations=[session.get(Nomination, ids[1])],
                                      today=local_today())
        ds.issue(_user("tochuc"), decision, decision.version, local_today())
    decisions = _group(_tasks(client.get("/").get_data(as_text=True)), "decisions_to_issue")
    assert f"/nominations/{ids[1]}" not in decisions and f"/nominations/{ids[0]}" in decisions


def test_the_secretary_prepares_meetings_and_members_see_open_ballots(world, in_app, login):
    with in_app():
        meeting = make_meeting(world)
        meeting_id = meeting.id
    secretary = login("thuky")
    section = _tasks(secretary.get("/").get_data(as_text=True))
    meetings = _group(section, "meetings")
    assert f"/meetings/{meeting_id}" in meetings and "20/12/2026" in meetings
    assert "2 hồ sơ trong chương trình họp" in meetings
    assert secretary.get(f"/meetings/{meeting_id}").status_code == 200
    # before the ballot opens a member has nothing to do, and is told so
    member = _tasks(login("hoidong1").get("/").get_data(as_text=True))
    assert "Không có việc nào đang chờ bạn ở vai trò này." in member
    with in_app():
        from emulation.awards.councils import services as cs
        from emulation.awards.councils.models import CouncilMeeting
        from emulation.extensions import db

        meeting = db.session.get(CouncilMeeting, meeting_id)
        cs.set_attendance(_user("thuky"), meeting, meeting.version,
                          [m.id for m in meeting.council.members])
        cs.open_ballot(_user("thuky"), meeting, meeting.version)
    client = login("hoidong1")
    ballots = _group(_tasks(client.get("/").get_data(as_text=True)), "ballots")
    assert f"/meetings/{meeting_id}" in ballots and "còn 2 nội dung chưa bỏ phiếu" in ballots
    assert client.get(f"/meetings/{meeting_id}").status_code == 200
    with in_app():
        from emulation.awards.councils.models import CouncilMeeting
        from emulation.extensions import db

        meeting = db.session.get(CouncilMeeting, meeting_id)
        for item in meeting.items:
            cs.cast_vote(_user("hoidong1"), item, "agree")
    section = _tasks(client.get("/").get_data(as_text=True))
    assert 'data-kind="ballots"' not in section
    assert "Không có việc nào đang chờ bạn ở vai trò này." in section
    # the secretary's meeting is no longer to prepare once its ballot is open
    assert 'data-kind="meetings"' not in _tasks(secretary.get("/").get_data(as_text=True))


def test_a_scorer_sees_the_sheets_open_with_their_window(world, cworld, in_app, login):
    with in_app() as session:
        from emulation.scoring import services as scoring

        campaign = session.get(Campaign, cworld.campaign)
        settings = scoring.settings_for(campaign)
        settings.council_opens, settings.council_closes = date(2026, 11, 1), date(2099, 1, 31)
        session.commit()
        # a scorer from outside the units scored (one above them would be refused)
        outside = gen_unit("NGOAI", "Hội đồng chấm độc lập")
        scoring.name_council_scorer(SYSTEM, campaign, gen_user("giamkhao", "scorer", outside))
    client = login("giamkhao")
    section = _tasks(client.get("/").get_data(as_text=True))
    sheets = _group(section, "sheets")
    assert "thời gian chấm 01/11/2026 – 31/01/2099" in sheets
    links = [link for link in _links(sheets) if link.startswith("/sheets/")]
    assert links
    for link in links:
        assert client.get(link).status_code == 200


def test_a_role_with_nothing_to_do_sees_a_clear_line(world, login):
    viewer = _tasks(login("xem").get("/").get_data(as_text=True))
    assert "Không có việc nào đang chờ bạn." in viewer
    officer = _tasks(login("donvi1").get("/").get_data(as_text=True))
    assert "Không có việc nào đang chờ bạn ở vai trò này." in officer
    assert 'class="task"' not in officer


def test_the_home_page_and_the_nav_count_read_in_bounded_queries(world, cworld, in_app, login,
                                                                queries, app):
    """One statement per kind of task (its count and its rows) whatever the number of tasks;
    the navigation's count is a single query on every page."""
    client = login("tochuc")

    def home_queries() -> int:
        with queries() as statements:
            assert client.get("/").status_code == 200
        return len(statements)

    def dossiers(years) -> None:
        with in_app() as session:
            for year in years:
                n = nom.create(SYSTEM, award=_award("GK"), year=year,
                               proposing_unit=session.get(Unit, world.unit1.id),
                               unit=session.get(Unit, world.unit1.id),
                               texts={"summary": "Thành tích"})
                nom.submit(SYSTEM, n, n.version, "Giải trình")
                gen_user(f"dv{n.id}", "unit_officer", session.get(Unit, world.unit1.id))

    with in_app():
        _submit_pledge(world, cworld, world.unit2)
    dossiers([2026])
    few = home_queries()
    dossiers(range(2020, 2026))
    many = home_queries()
    assert many == few <= 25
    html = client.get("/").get_data(as_text=True)
    assert _nav_count(html) == 1 + 1 + 7  # the pledges, the report period, seven dossiers
    with queries() as statements:
        client.get("/campaigns/")
    counting = [s for s in statements if s.count("count(") >= 5]
    assert len(counting) == 1, counting  # one query counts every kind of task


def _award(code: str):
    from emulation.awards.catalogue.data import seed
    from emulation.awards.catalogue.services import award_by_code
    from emulation.extensions import db

    seed(db.session)  # seeds what is missing only
    return award_by_code(code)


def test_the_nav_count_is_kept_a_minute_and_recounted_home_and_after_a_change(
        world, cworld, in_app, login, app, monkeypatch, queries):
    """Other pages reuse the count for NAV_TASKS_SECONDS (no task query: at national scale it
    costs 150–250 ms of the database a page); the home page and a POST recount it."""
    monkeypatch.setitem(app.config, "NAV_TASKS_SECONDS", 60)
    client = login("tochuc")
    assert _nav_count(client.get("/").get_data(as_text=True)) == 1  # the report period
    with in_app():
        _submit_pledge(world, cworld, world.unit2)
    # kept: the pledge submitted meanwhile is not counted yet on another page, and no
    # query counts the tasks
    with queries() as statements:
        assert _nav_count(client.get("/campaigns/").get_data(as_text=True)) == 1
    assert not [q for q in statements if q.count("count(") >= 5]
    client.post("/notifications/read")  # any change of the user's: counted again
    assert _nav_count(client.get("/campaigns/").get_data(as_text=True)) == 2


def test_a_branch_organiser_sees_the_units_of_its_branch_behind(world, in_app, login, queries):
    """The organiser of CD-A (a mid-level union) sees, in the top's campaign, the units of
    CD-A late on the pledge or the reports — not CS-2 of another branch, not the units on
    time — with links to the unit's dashboard and to the campaign where it reminds them; the
    top's organiser, who issues the campaign, follows it as "reports being submitted"
    instead. A bounded number of queries however many units are behind."""
    from emulation.extensions import db
    from tests.factories import gen_campaign

    year = local_today().year - 1  # every deadline past
    with in_app():
        branch_a = db.session.get(Unit, world.branch_a.id)
        unit1, unit2, unit3 = (db.session.get(Unit, u.id)
                               for u in (world.unit1, world.unit2, world.unit3))
        campaign = gen_campaign(db.session.get(Unit, world.top.id), title="Thi đua cấp trên",
                                year=year, participants=[unit1, unit2, unit3])
        pledge = ps.save_pledge(SYSTEM, campaign, unit1, 0, {
            campaign.movements[0].id: {"commitment": "Hoàn thành"}})
        ps.submit(SYSTEM, pledge, pledge.version, date(year, 2, 1))
        campaign_id = campaign.id
    client = login("tochuc_a")
    home = _tasks(client.get("/").get_data(as_text=True))
    group = _group(home, "units_behind")
    assert "Đơn vị trong nhánh chậm tiến độ ở các đợt thi đua cấp trên" in home
    assert world.unit3.name in group and world.unit1.name in group
    assert world.unit2.name not in group  # another branch's
    cs3 = group[group.index(world.unit3.name):]
    assert cs3.index("chưa gửi đăng ký") < cs3.index("1 báo cáo quá hạn")
    assert f"/campaigns/{campaign_id}/units/{world.unit3.id}/dashboard" in group
    assert f'href="/campaigns/{campaign_id}"' in group
    for link in _links(group):
        assert client.get(link).status_code == 200, link
    assert 'data-kind="units_behind"' not in _tasks(login("tochuc").get("/").get_data(
        as_text=True))

    def home_queries() -> int:
        with queries() as statements:
            assert client.get("/").status_code == 200
        return len(statements)

    few = home_queries()
    with in_app():
        from emulation.campaigns import services as cs

        campaign = db.session.get(Campaign, campaign_id)
        more = [gen_unit(f"CS-A{i}", f"Công đoàn Công ty số {i}", branch_a).id for i in range(5)]
        cs.set_participants(SYSTEM, campaign, "list", [
            world.unit1.id, world.unit2.id, world.unit3.id, *more])
    assert home_queries() == few
    assert _group(_tasks(client.get("/").get_data(as_text=True)), "units_behind").count(
        'class="task"') == 7
