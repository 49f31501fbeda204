"""Charts in the browser: static/js/charts.js draws them from the tables with the vendored
Chart.js, under the app's CSP (no violation in the console), with no request leaving the app's
own address (the app runs offline); on paper the tables stand in for them."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from emulation.core.web import local_today

pytestmark = pytest.mark.usefixtures("e2e_world")

TODAY = local_today()
# the number of painted pixels of a canvas (its alpha channel): 0 for a blank one
PAINTED = """canvas => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i]) { painted++; } }
  return painted;
}"""


@pytest.fixture(scope="module")
def charted(live_app, e2e_world):
    """A campaign of the top unit with CS-1 and CS-2; CS-1's approved pledge has a target of
    8 and its report 5 achieved (62.5 %)."""
    from emulation.core.permissions import SYSTEM
    from emulation.extensions import db
    from emulation.org.models import Unit
    from emulation.pledges import reports as pledge_reports
    from emulation.pledges import services as ps
    from tests.factories import gen_campaign

    with live_app.app_context():
        top = db.session.get(Unit, e2e_world.top.id)
        unit1 = db.session.get(Unit, e2e_world.unit1.id)
        unit2 = db.session.get(Unit, e2e_world.unit2.id)
        campaign = gen_campaign(top, title="Thi đua có biểu đồ", year=TODAY.year,
                                participants=[unit1, unit2],
                                registration_deadline=TODAY + timedelta(days=30))
        campaign.number = f"77/CT-BĐ-{TODAY.year}"
        movements = [m.id for m in campaign.movements]
        pledge = ps.save_pledge(SYSTEM, campaign, unit1, 0, {
            movements[0]: {"commitment": "Tám sáng kiến", "target_value": "8"}})
        ps.submit(SYSTEM, pledge, pledge.version, TODAY)
        ps.approve(SYSTEM, pledge, pledge.version)
        pledge_reports.save_report(SYSTEM, campaign, unit1, campaign.periods[0], 0, {},
                                   {pledge.items[0].id: {"achieved_value": "5"}})
        from emulation.awards.records.models import AwardRecord

        # old thematic awards: the honour roll's stacked charts (no other test's year or kind)
        db.session.add_all([
            AwardRecord(award_code="LDTT", person_id=e2e_world.person1.id, year=2014,
                        kind="thematic"),
            AwardRecord(award_code="GK", person_id=e2e_world.person2.id, year=2015,
                        kind="thematic")])
        db.session.commit()
        made = {"dashboard": f"/campaigns/{campaign.id}/dashboard",
                "unit_dashboard": f"/campaigns/{campaign.id}/units/{unit1.id}/dashboard"}
        db.session.remove()
    return made


def _watch(page, server: str) -> tuple[list[str], list[str]]:
    """(console errors and CSP reports, requests to anywhere but the app): each request
    elsewhere is refused, as it would be on a machine without internet."""
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    def route(request_route):
        url = request_route.request.url
        if url.startswith(server) or url.startswith("data:"):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    page.context.route("**/*", route)
    return problems, outside


def test_the_honour_roll_charts_render_stacked(open_as, charted, server):
    page = open_as("xem")
    problems, outside = _watch(page, server)
    page.goto("/honours/")
    canvases = page.locator(".honours-charts .chart-box canvas")
    expect(canvases.first).to_be_visible()
    assert canvases.count() == 2  # by kind, by deciding level
    for i in range(2):
        assert canvases.nth(i).evaluate(PAINTED) > 0, f"chart {i} is blank"
    assert not problems, problems
    assert not outside, outside


@pytest.mark.parametrize("which", ["dashboard", "unit_dashboard"])
def test_the_dashboard_charts_render_under_the_csp_offline(open_as, charted, server, which):
    page = open_as("tochuc")
    problems, outside = _watch(page, server)
    page.goto(charted[which])
    canvases = page.locator(".chart-box canvas")
    expect(canvases.first).to_be_visible()
    assert canvases.count() >= 2  # movements and periods (and registration states)
    for i in range(canvases.count()):
        assert canvases.nth(i).evaluate(PAINTED) > 0, f"chart {i} is blank"
    assert page.locator(".chart-box").first.get_attribute("aria-hidden") == "true"
    movements = page.locator("table.chart-movements")
    expect(movements).to_be_visible()  # the data stays on the page beside the chart
    expect(movements).to_contain_text("62,5%")
    assert page.locator("progress.progress-exact").first.get_attribute("value") == "62.5"
    assert not problems, problems
    assert not outside, outside


def test_the_registration_doughnut_takes_the_colours_of_the_state_badges(open_as, charted):
    page = open_as("tochuc")
    page.goto(charted["dashboard"])
    table = page.locator("table.chart-registration")
    expect(page.locator(".chart-box canvas").first).to_be_visible()
    badges = table.locator("tbody .badge").evaluate_all(
        "els => els.map(e => getComputedStyle(e).backgroundColor)")
    slices = table.evaluate("t => t.chart.data.datasets[0].backgroundColor")
    assert slices == badges and len(set(badges)) > 1


def test_count_charts_step_in_whole_numbers(open_as, charted):
    page = open_as("xem")
    page.goto("/honours/")
    expect(page.locator(".honours-charts .chart-box canvas").first).to_be_visible()
    tables = page.locator(".honours-charts table[data-chart-counts]")
    assert tables.count() == 2
    ticks = tables.first.evaluate("t => t.chart.scales.y.ticks.map(k => k.value)")
    assert ticks and all(float(v).is_integer() for v in ticks), ticks


def test_on_paper_the_tables_stand_in_for_the_charts(open_as, charted):
    page = open_as("tochuc")
    page.goto(charted["dashboard"])
    expect(page.locator(".chart-box canvas").first).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".chart-box").first).to_be_hidden()
    expect(page.locator("table.chart-movements")).to_be_visible()


def test_chart_and_public_pages_have_no_serious_accessibility_violations(open_as, charted,
                                                                         live_app):
    from axe_playwright_python.sync_playwright import Axe

    from emulation.core.permissions import SYSTEM
    from emulation.public import services

    with live_app.app_context():
        services.set_switches(SYSTEM, {services.HONOUR_ROLL: True, services.SELF_CHECK: True})
    try:
        axe = Axe()
        problems = []
        signed_in = open_as("tochuc")
        visitor = open_as(None)
        for page, path in ((signed_in, charted["dashboard"]),
                           (signed_in, charted["unit_dashboard"]),
                           (visitor, "/public/honours/"), (visitor, "/public/self-check")):
            page.goto(path)
            for violation in axe.run(page).response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    problems.append(f"{path}: {violation['id']} {violation['nodes'][0]['target']}")
        assert not problems, "\n".join(problems)
    finally:
        with live_app.app_context():
            services.set_switches(SYSTEM, {services.HONOUR_ROLL: False,
                                           services.SELF_CHECK: False})
