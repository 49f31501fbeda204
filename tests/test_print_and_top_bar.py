"""The pages people print carry a print button and the print title block (issue 16); the top
bar draws its bell, links the site's icon and keeps the administration in one menu. On the
demo data, which holds one record of each: a pledge, a report, a score sheet, a frozen
ranking, a dossier, a council meeting (its minutes) and an issued decision."""
import re

import pytest
from sqlalchemy import select

from emulation.awards.councils.models import CouncilMeeting
from emulation.awards.decisions.models import Decision
from emulation.awards.nominations.models import Nomination
from emulation.campaigns.models import Campaign
from emulation.demo import DEMO_PASSWORD
from emulation.pledges.models import Report
from emulation.scoring.models import ScoreSheet


@pytest.fixture(scope="module")
def pages(demo):
    """The address of one page of each kind that is printed."""
    with demo.session() as session:
        closed = session.scalar(select(Campaign).where(Campaign.state == "closed"))
        report = session.scalar(select(Report).where(Report.campaign_id == closed.id))
        sheet = session.scalar(select(ScoreSheet).where(ScoreSheet.campaign_id == closed.id))
        nomination = session.scalar(select(Nomination).order_by(Nomination.id))
        meeting = session.scalar(select(CouncilMeeting).order_by(CouncilMeeting.id))
        decision = session.scalar(select(Decision).where(Decision.state == "issued"))
        return {
            "pledge": f"/campaigns/{closed.id}/units/{report.unit_id}/pledge",
            "report": f"/campaigns/{closed.id}/units/{report.unit_id}/reports/"
                      f"{report.period_id}",
            "score sheet": f"/sheets/{sheet.id}",
            "ranking": f"/campaigns/{closed.id}/ranking",
            "dossier": f"/nominations/{nomination.id}",
            "minutes": f"/meetings/{meeting.id}",
            "decision": f"/decisions/{decision.id}",
        }


def _client(demo, username: str):
    client = demo.app.test_client()
    assert client.post("/login", data={"username": username,
                                       "password": DEMO_PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("kind", ["pledge", "report", "score sheet", "ranking", "dossier",
                                  "minutes", "decision"])
def test_printed_pages_have_a_print_button_and_a_title_block(demo, pages, kind):
    response = _client(demo, "tochuc").get(pages[kind])
    page = response.get_data(as_text=True)
    assert response.status_code == 200, kind
    assert re.search(r'<button type="button"[^>]*data-print>.*?In</button>', page, re.S)
    title_block = re.search(r'<header class="print-title d-none d-print-block">(.*?)</header>',
                            page, re.S).group(1)
    assert "Thi đua – Khen thưởng" in title_block and "In lúc" in title_block


def test_pages_not_printed_have_no_print_button(demo):
    page = _client(demo, "tochuc").get("/campaigns/").get_data(as_text=True)
    assert "data-print" not in page
    assert 'class="print-title d-none d-print-block"' in page  # the base layout's, hidden


def test_the_top_bar_draws_its_bell_and_links_the_icon(demo):
    page = _client(demo, "admin").get("/").get_data(as_text=True)
    bell = re.search(r'<a [^>]*aria-label="Thông báo"[^>]*>(.*?)</a>', page, re.S).group(1)
    assert "<svg" in bell and "&#128276;" not in bell and "\U0001F514" not in bell
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in page
    menu = re.search(r'>Quản trị</a>\s*<ul class="dropdown-menu">(.*?)</ul>', page, re.S)
    for address in ("/admin/users/", "/admin/audit/", "/admin/base-salaries/",
                    "/admin/calendar/", "/notifications/mail/"):
        assert f'href="{address}"' in menu.group(1)
    assert demo.app.test_client().get("/static/favicon.svg").status_code == 200


def test_officers_do_not_see_the_administration_menu(demo):
    page = _client(demo, "donvi1").get("/").get_data(as_text=True)
    assert ">Quản trị</a>" not in page and 'href="/admin/users/"' not in page


@pytest.mark.parametrize("url", ["/people/", "/units/", "/honours/", "/nominations/",
                                 "/scoring/", "/campaigns/", "/admin/audit/", "/admin/users/"])
def test_a_printed_list_leaves_out_its_filter_form(demo, url):
    """A list printed on paper shows its rows, not the search and filter form above them (the
    pager is hidden by the print style sheet): found by the issue-18 fresh-user test."""
    client = _client(demo, "admin" if url.startswith("/admin") else "tochuc")
    response = client.get(url)
    assert response.status_code == 200, url
    forms = re.findall(r'<form class="([^"]*)" method="get"', response.get_data(as_text=True))
    assert forms and all("d-print-none" in f for f in forms), (url, forms)
