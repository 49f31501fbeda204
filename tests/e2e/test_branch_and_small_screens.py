"""Each level follows its branch, and the dossier, ranking and decision pages fit a phone
(issue 16), in a real browser.

A campaign of its own, issued by the top union with CS-1 (branch CD-A) and CS-2 (branch CD-B)
taking part, both pledges submitted; tochuc_a organises CD-A, the branch organiser of the
demo's tochuc_hc."""
from __future__ import annotations

from datetime import timedelta

import pytest

from emulation.core.web import local_today
from tests.e2e.conftest import pages_wider_than_a_phone

TODAY = local_today()

pytestmark = pytest.mark.usefixtures("e2e_world")


@pytest.fixture(scope="module")
def branch(live_app, e2e_world):
    from emulation.awards.catalogue.services import award_by_code
    from emulation.awards.nominations import services as nominations
    from emulation.core.permissions import SYSTEM
    from emulation.extensions import db
    from emulation.org.models import Person, Unit
    from emulation.pledges import services as ps
    from tests.factories import gen_campaign

    with live_app.app_context():
        top = db.session.get(Unit, e2e_world.top.id)
        unit1 = db.session.get(Unit, e2e_world.unit1.id)
        unit2 = db.session.get(Unit, e2e_world.unit2.id)
        campaign = gen_campaign(top, title="Thi đua theo dõi theo nhánh", year=TODAY.year,
                                participants=[unit1, unit2],
                                registration_deadline=TODAY + timedelta(days=30))
        first = campaign.movements[0].id
        for unit, text in ((unit1, "Cam kết của Công ty DAP"),
                           (unit2, "Cam kết của Thuốc lá Sài Gòn")):
            pledge = ps.save_pledge(SYSTEM, campaign, unit, 0, {first: {"commitment": text}})
            ps.submit(SYSTEM, pledge, pledge.version, TODAY)
        dossier = nominations.create(
            SYSTEM, award=award_by_code("GK"), year=TODAY.year, proposing_unit=unit1,
            person=db.session.get(Person, e2e_world.person1.id),
            texts={"summary": "Hoàn thành xuất sắc nhiệm vụ " * 40})
        made = {"campaign": campaign.id, "unit1": unit1.id, "unit2": unit2.id,
                "nomination": dossier.id}
        db.session.remove()
    return made


def test_a_branch_organiser_follows_its_branch_in_the_parent_campaign(open_as, branch):
    page = open_as("tochuc_a")
    response = page.goto(f"/campaigns/{branch['campaign']}")
    assert response.status == 200
    response = page.goto(f"/campaigns/{branch['campaign']}/pledges")
    assert response.status == 200
    main = page.locator("main").inner_text()
    assert "Công đoàn Công ty DAP" in main
    assert "Công đoàn Công ty Thuốc lá Sài Gòn" not in main
    # the branch's pledge opens from the overview; the other branch's does not exist for it
    page.locator(f"main a[href$='/units/{branch['unit1']}/pledge']").first.click()
    page.wait_for_load_state()
    assert "Cam kết của Công ty DAP" in page.locator("main").inner_text()
    refused = page.goto(f"/campaigns/{branch['campaign']}/units/{branch['unit2']}/pledge")
    assert refused.status in (403, 404)
    # its dashboard (pledges and reports by unit) keeps to the branch too
    assert page.goto(f"/campaigns/{branch['campaign']}/dashboard").status == 200
    main = page.locator("main").inner_text()
    assert "Công đoàn Công ty DAP" in main
    assert "Công đoàn Công ty Thuốc lá Sài Gòn" not in main
    # the whole campaign's organiser sees both branches
    top = open_as("tochuc")
    top.goto(f"/campaigns/{branch['campaign']}/pledges")
    main = top.locator("main").inner_text()
    assert "Công đoàn Công ty DAP" in main and "Công đoàn Công ty Thuốc lá Sài Gòn" in main


SMALL_SCREEN_PAGES = {
    "donvi1": ["/nominations/{nomination}", "/nominations/"],
    "tochuc": ["/nominations/{nomination}", "/campaigns/{campaign}/ranking", "/decisions/",
               "/decisions/new", "/campaigns/{campaign}", "/campaigns/{campaign}/pledges"],
    "tochuc_a": ["/campaigns/{campaign}/pledges", "/nominations/{nomination}"],
}


@pytest.mark.parametrize("username", sorted(SMALL_SCREEN_PAGES))
def test_the_dossier_ranking_and_decision_pages_do_not_scroll_sideways_at_390_px(
        open_as, branch, username):
    wide = pages_wider_than_a_phone(
        open_as(username), [path.format(**branch) for path in SMALL_SCREEN_PAGES[username]])
    assert not wide, wide
