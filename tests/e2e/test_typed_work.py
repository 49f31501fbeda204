"""Never lose typed work, print, and small screens (issue 16), in a real browser.

A campaign of its own (CS-2 alone takes part, its officer donvi2 acts), so that these tests
do not depend on the yearly cycle of test_cycle.py, nor change what it checks."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from emulation.core.web import local_today
from tests.e2e.conftest import pages_wider_than_a_phone

TODAY = local_today()

pytestmark = pytest.mark.usefixtures("e2e_world")


@pytest.fixture(scope="module")
def typed(live_app, e2e_world):
    """ids of the campaign (2 movements, a report period, criteria K1 max 10, K2 max 10 of
    weight 2 and a bonus KT max 5) and CS-2's self score sheet; its pledge's and its report's
    addresses."""
    from emulation.campaigns import services as cs
    from emulation.core.permissions import SYSTEM
    from emulation.extensions import db
    from emulation.org.models import Unit
    from emulation.scoring import services as scoring
    from tests.factories import gen_campaign

    with live_app.app_context():
        top = db.session.get(Unit, e2e_world.top.id)
        unit2 = db.session.get(Unit, e2e_world.unit2.id)
        campaign = gen_campaign(top, title="Thi đua không mất dữ liệu", year=TODAY.year,
                                participants=[unit2], publish=False,
                                registration_deadline=TODAY + timedelta(days=30))
        campaign.number = f"99/CT-GÕ-{TODAY.year}"
        criteria = [cs.add_criterion(SYSTEM, campaign, code="K1", title="Kết quả nội dung 1",
                                     max_points=Decimal(10)),
                    cs.add_criterion(SYSTEM, campaign, code="K2", title="Kết quả nội dung 2",
                                     max_points=Decimal(10), weight=Decimal(2)),
                    cs.add_criterion(SYSTEM, campaign, code="KT", title="Điểm thưởng",
                                     max_points=Decimal(5), kind="bonus")]
        cs.publish(SYSTEM, campaign, campaign.version)
        sheet = scoring.open_self_sheet(SYSTEM, campaign, unit2, TODAY)
        made = {"campaign": campaign.id, "movements": [m.id for m in campaign.movements],
                "criteria": [c.id for c in criteria], "sheet": sheet.id,
                "pledge_url": f"/campaigns/{campaign.id}/units/{unit2.id}/pledge",
                "report_url": f"/campaigns/{campaign.id}/units/{unit2.id}/reports/"
                              f"{campaign.periods[0].id}"}
        db.session.remove()
    return made


def _pledge(live_app, campaign_id: int):
    from emulation.extensions import db
    from emulation.pledges.models import Pledge

    with live_app.app_context():
        pledge = db.session.scalar(select(Pledge).where(Pledge.campaign_id == campaign_id))
        found = (pledge.state, {i.movement_id: i.commitment for i in pledge.items})
        db.session.remove()
    return found


def _points(live_app, sheet_id: int):
    from emulation.extensions import db
    from emulation.scoring.models import ScoreSheet

    with live_app.app_context():
        sheet = db.session.get(ScoreSheet, sheet_id)
        found = (sheet.state, {s.criterion_id: s.points for s in sheet.scores})
        db.session.remove()
    return found


def _points_input(page, criterion_id: int):
    return page.locator(f"[name='c{criterion_id}-points']")


def test_an_edited_pledge_submitted_keeps_the_edits(open_as, live_app, typed):
    officer = open_as("donvi2")
    officer.goto(typed["pledge_url"])
    first, second = typed["movements"]
    officer.fill(f"[name='m{first}-commitment']", "Bản nháp đầu tiên")
    officer.get_by_role("button", name="Lưu nháp").click()
    officer.wait_for_load_state()
    assert _pledge(live_app, typed["campaign"]) == ("draft", {first: "Bản nháp đầu tiên"})
    # the clerk corrects the text and submits at once, without saving first
    officer.fill(f"[name='m{first}-commitment']", "Bản đã sửa: 12 sáng kiến")
    officer.fill(f"[name='m{second}-commitment']", "Tham gia đầy đủ")
    officer.get_by_role("button", name="Gửi", exact=True).click()  # confirm: accepted
    officer.wait_for_load_state()
    assert officer.locator(".alert-danger").count() == 0
    assert officer.locator("h1 .badge").inner_text().strip() == "Đã gửi"
    assert officer.get_by_text("Bản đã sửa: 12 sáng kiến").is_visible()
    assert _pledge(live_app, typed["campaign"]) == (
        "submitted", {first: "Bản đã sửa: 12 sáng kiến", second: "Tham gia đầy đủ"})


def test_a_refused_score_sheet_keeps_its_points(open_as, live_app, typed):
    k1, k2, bonus = typed["criteria"]
    scorer = open_as("donvi2")
    scorer.goto(f"/sheets/{typed['sheet']}")
    _points_input(scorer, k1).fill("7,5")
    _points_input(scorer, k2).fill("")  # K2 left without points
    _points_input(scorer, bonus).fill("2")
    scorer.fill(f"[name='c{k1}-comment']", "Vượt kế hoạch")
    with scorer.expect_response(lambda r: r.request.method == "POST") as posted:
        scorer.get_by_role("button", name="Gửi", exact=True).click()
    scorer.wait_for_load_state()
    assert posted.value.status == 409  # the page again, with the reason
    assert "K2" in scorer.locator(".alert-danger").inner_text()
    assert _points_input(scorer, k1).input_value() == "7,5"
    assert _points_input(scorer, bonus).input_value() == "2"
    assert scorer.locator(f"[name='c{k1}-comment']").input_value() == "Vượt kế hoạch"
    assert scorer.locator("#sheet-total").inner_text() == "9,5"
    assert _points(live_app, typed["sheet"]) == ("draft", {k1: Decimal("7.5"),
                                                          bonus: Decimal(2)})


def test_the_running_total_follows_the_points_typed(open_as, typed):
    k1, k2, bonus = typed["criteria"]
    scorer = open_as("donvi2")
    scorer.goto(f"/sheets/{typed['sheet']}")
    total = scorer.locator("#sheet-total")
    _points_input(scorer, k1).fill("8,5")
    _points_input(scorer, k2).fill("")
    _points_input(scorer, bonus).fill("")
    expect(total).to_have_text("8,5")
    _points_input(scorer, k2).fill("3")  # weight 2
    expect(total).to_have_text("14,5")
    _points_input(scorer, bonus).press_sequentially("1,25")
    expect(total).to_have_text("15,75")
    _points_input(scorer, k1).fill("1.000")  # a thousand, as typed in Vietnamese
    expect(total).to_have_text("1.007,25")
    _points_input(scorer, k1).fill("tám")  # not a number: counts as nothing
    expect(total).to_have_text("7,25")


def test_a_page_with_unsaved_edits_asks_before_leaving(open_as, typed):
    k1 = typed["criteria"][0]
    scorer = open_as("donvi2")
    asked = []
    scorer.on("dialog", lambda dialog: asked.append(dialog.type))
    scorer.goto(f"/sheets/{typed['sheet']}")
    scorer.get_by_role("link", name="Phong trào thi đua").click()  # nothing typed: no question
    scorer.wait_for_url("**/campaigns/")
    assert asked == []
    scorer.goto(f"/sheets/{typed['sheet']}")
    _points_input(scorer, k1).click()
    _points_input(scorer, k1).press("Control+a")
    _points_input(scorer, k1).press_sequentially("6")
    scorer.get_by_role("link", name="Phong trào thi đua").click()
    scorer.wait_for_url("**/campaigns/")  # the question was answered "leave" (open_as)
    assert asked == ["beforeunload"]
    scorer.goto(f"/sheets/{typed['sheet']}")  # saving the form itself does not ask
    _points_input(scorer, k1).click()
    _points_input(scorer, k1).press("Control+a")
    _points_input(scorer, k1).press_sequentially("6,5")
    scorer.get_by_role("button", name="Lưu nháp").click()
    scorer.wait_for_load_state()
    assert scorer.locator(".alert-success").count() == 1
    assert asked == ["beforeunload"]
    assert _points_input(scorer, k1).input_value() == "6,5"


MAIN_PAGES = {  # role → the pages of its daily work ({…} filled from the `typed` campaign)
    "admin": ["/", "/campaigns/", "/admin/users/", "/admin/audit/", "/admin/base-salaries/",
              "/admin/calendar/", "/units/", "/people/", "/awards/", "/awards/CSTD_BO"],
    "tochuc": ["/", "/campaigns/", "/campaigns/{campaign}", "/campaigns/{campaign}/pledges",
               "/campaigns/{campaign}/dashboard", "/campaigns/{campaign}/scoring",
               "/campaigns/{campaign}/ranking", "{pledge_url}", "/nominations/",
               "/councils/", "/decisions/", "/publications/", "/honours/",
               "/notifications/", "/profile"],
    "donvi2": ["/", "/pledges/", "{pledge_url}", "{report_url}", "/scoring/",
               "/sheets/{sheet}", "/nominations/", "/nominations/new", "/people/"],
    "thuky": ["/", "/councils/", "/nominations/", "/honours/"],
    "hoidong1": ["/", "/councils/", "/honours/"],
    "xem": ["/", "/campaigns/", "/honours/", "/awards/"],
}


@pytest.mark.parametrize("username", sorted(MAIN_PAGES))
def test_no_main_page_scrolls_sideways_at_390_px(open_as, typed, username):
    wide = pages_wider_than_a_phone(
        open_as(username), [path.format(**typed) for path in MAIN_PAGES[username]])
    assert not wide, wide


def test_tables_scroll_inside_their_box(open_as, typed):
    page = open_as("tochuc")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/campaigns/{typed['campaign']}/pledges")  # no box in the template
    tables = page.locator("main table").all()
    assert tables
    for table in tables:
        assert table.evaluate("t => t.parentElement.classList.contains('table-responsive')")


@pytest.mark.parametrize("path", ["{pledge_url}", "/sheets/{sheet}",
                                  "/campaigns/{campaign}/ranking"])
def test_printing_leaves_out_navigation_and_buttons(open_as, typed, path):
    page = open_as("tochuc")
    page.goto(path.format(**typed))
    print_button = page.get_by_role("button", name="In", exact=True)
    assert print_button.is_visible()
    assert page.locator(".print-title").is_hidden()
    page.emulate_media(media="print")
    assert page.locator("nav.navbar").is_hidden()
    assert page.locator(".breadcrumb").is_hidden()
    assert print_button.is_hidden()
    assert page.locator("main button:visible").count() == 0
    assert page.locator(".print-title").is_visible()  # the page's title block
    assert "Thi đua – Khen thưởng" in page.locator(".print-title").inner_text()
    assert page.locator("h1").first.is_visible()
    colours = page.evaluate("""() => Array.from(document.querySelectorAll('main *'))
        .filter(e => e.offsetParent !== null)
        .map(e => getComputedStyle(e)).filter(s => s.color !== 'rgb(0, 0, 0)'
            || !['rgba(0, 0, 0, 0)', 'transparent'].includes(s.backgroundColor)).length""")
    assert colours == 0


def test_the_bell_is_a_drawing_and_the_site_has_an_icon(open_as, server):
    page = open_as("donvi2")
    page.goto("/")
    bell = page.get_by_role("link", name="Thông báo")
    assert bell.locator("svg").count() == 1
    assert not re.search(r"[\U0001F300-\U0001FAFF]", bell.inner_text())  # no emoji
    icon = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(server + icon)
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml")


COUNTS_OF_999 = """() => {
    // the busiest bar: three-digit counts of tasks and unread notifications (the demo's
    // organiser has 128 unread), every menu of an administrator who also serves a unit
    const put = (link, cls) => { let badge = link.querySelector('.badge');
        if (!badge) { badge = document.createElement('span'); badge.className = 'badge ' + cls;
                      link.append(' ', badge); }
        badge.textContent = '999'; };
    put(document.getElementById('nav-tasks'), 'text-bg-warning');
    put(document.querySelector('nav a[href="/notifications/"]'), 'text-bg-danger ms-1'); }"""


def test_the_admin_top_bar_fits_on_one_line_at_1366_px(open_as):
    """The administrator's bar, with three-digit counts, stays on one line at 1366 px, in
    Vietnamese and in English (tester's finding: with its task count the demo's admin bar
    was 1412 px wide and scrolled sideways)."""
    page = open_as("admin")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/")
    assert page.locator("nav a[href='/pledges/']").count() == 1  # every menu is there
    _bar_fits(page)
    page.click("nav button[name=locale]")  # English
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    _bar_fits(page)


def _bar_fits(page):
    page.evaluate(COUNTS_OF_999)
    bar = page.evaluate("""() => { const nav = document.querySelector('nav.navbar');
        const items = Array.from(nav.querySelectorAll('.nav-link, .btn, .navbar-text'))
            .map(e => e.getBoundingClientRect()).filter(r => r.width > 0);
        const tops = items.map(r => r.top), bottoms = items.map(r => r.bottom);
        return [nav.getBoundingClientRect().height, document.documentElement.scrollWidth,
                innerWidth, Math.max(...bottoms) - Math.min(...tops)]; }""")
    height, scroll_width, width, spread = bar
    assert scroll_width <= width
    assert spread < 45  # every item on one line (a line is about 40 px)
    assert height < 70
