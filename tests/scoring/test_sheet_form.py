"""The score sheet's one form (issue 16): submitting saves the points typed first, a sheet
refused at submission comes back with every point typed, and the page shows its running
total, formatted the Vietnamese way."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from emulation.campaigns import services as cs
from emulation.campaigns.models import Campaign
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.scoring import services as sc
from emulation.scoring.models import ScoreSheet


@pytest.fixture
def criteria(app, cworld):
    """The campaign's TC1 (max 10) plus TC2 (max 10, weight 2) and a bonus B (max 5)."""
    with app.app_context():
        campaign = db.session.get(Campaign, cworld.campaign)
        tc2 = cs.add_criterion(SYSTEM, campaign, code="TC2", title="Tiêu chí 2",
                               max_points=Decimal(10), weight=Decimal(2))
        bonus = cs.add_criterion(SYSTEM, campaign, code="B", title="Điểm thưởng",
                                 max_points=Decimal(5), kind="bonus")
        made = (cworld.criterion, tc2.id, bonus.id)
        db.session.remove()
    return made


def _sheet(in_app, cworld):
    with in_app() as session:
        sheet = session.get(ScoreSheet, cworld.sheet)
        return {"state": sheet.state, "version": sheet.version, "total": sheet.total,
                "points": {s.criterion_id: s.points for s in sheet.scores}}


def _total(page: str) -> str:
    return re.search(r'<output id="sheet-total"[^>]*>([^<]*)</output>', page).group(1)


def test_submit_saves_the_points_typed_then_submits(world, cworld, criteria, login, in_app):
    tc1, tc2, bonus = criteria
    officer = login("donvi1")
    response = officer.post(f"/sheets/{cworld.sheet}", data={
        "version": str(_sheet(in_app, cworld)["version"]), "action": "submit",
        f"c{tc1}-points": "8,5", f"c{tc2}-points": "3", f"c{bonus}-points": "1"})
    assert response.status_code == 302
    sheet = _sheet(in_app, cworld)
    assert sheet["state"] == "submitted"
    assert sheet["points"] == {tc1: Decimal("8.5"), tc2: Decimal(3), bonus: Decimal(1)}
    assert sheet["total"] == Decimal("15.5")  # 8.5 + 2 × 3 + 1


def test_the_submit_address_saves_the_lines_posted_with_it(world, cworld, login, in_app):
    officer = login("donvi1")
    assert officer.post(f"/sheets/{cworld.sheet}/submit", data={
        "version": str(_sheet(in_app, cworld)["version"]),
        f"c{cworld.criterion}-points": "9"}).status_code == 302
    sheet = _sheet(in_app, cworld)
    assert (sheet["state"], sheet["total"]) == ("submitted", Decimal(9))


def test_a_sheet_refused_at_submission_keeps_every_point(world, cworld, criteria, login,
                                                         in_app):
    tc1, tc2, bonus = criteria
    officer = login("donvi1")
    response = officer.post(f"/sheets/{cworld.sheet}", data={
        "version": str(_sheet(in_app, cworld)["version"]), "action": "submit",
        f"c{tc1}-points": "7,5", f"c{tc1}-comment": "Tốt", f"c{tc2}-points": "",
        f"c{bonus}-points": "2"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409  # the page again, not a redirect
    assert "TC2" in re.search(r'alert-danger[^>]*>([^<]*)<', page).group(1)
    assert 'value="7,5"' in page and 'value="Tốt"' in page and 'value="2"' in page
    assert _total(page) == "9,5"
    sheet = _sheet(in_app, cworld)  # saved as a draft: nothing typed is lost
    assert sheet["state"] == "draft"
    assert sheet["points"] == {tc1: Decimal("7.5"), bonus: Decimal(2)}
    assert f'value="{sheet["version"]}"' in page
    assert "data-unsaved" not in page


def test_a_refused_save_keeps_the_points_as_unsaved(world, cworld, criteria, login, in_app):
    tc1, tc2, _bonus = criteria
    officer = login("donvi1")
    version = _sheet(in_app, cworld)["version"]
    response = officer.post(f"/sheets/{cworld.sheet}", data={
        "version": str(version), "action": "submit", f"c{tc1}-points": "11",
        f"c{tc2}-points": "4,5"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="11"' in page and 'value="4,5"' in page
    assert re.search(r'<form[^>]*id="sheet-form"[^>]*data-unsaved', page)
    assert _total(page) == "20"  # 11 + 2 × 4.5: the points shown, even those refused
    sheet = _sheet(in_app, cworld)
    assert (sheet["state"], sheet["version"], sheet["points"]) == ("draft", version, {})


def test_the_running_total_is_on_the_page(world, cworld, criteria, login, in_app):
    tc1, tc2, bonus = criteria

    def save(lines):
        with in_app() as session:
            sheet = session.get(ScoreSheet, cworld.sheet)
            sc.save_sheet(SYSTEM, sheet, sheet.version, lines, sc.date(2026, 11, 20))

    save({tc1: ("8,5", ""), tc2: ("6", "")})
    officer = login("donvi1")
    page = officer.get(f"/sheets/{cworld.sheet}").get_data(as_text=True)
    assert _total(page) == "20,5"  # 8.5 + 2 × 6
    assert f'name="c{tc2}-points" data-weight="2.000" data-kind="regular"' in page
    assert f'name="c{bonus}-points" data-weight="1.000" data-kind="bonus"' in page
    save({bonus: ("1,5", "")})
    assert _total(officer.get(f"/sheets/{cworld.sheet}").get_data(as_text=True)) == "22"
    officer.post("/language", data={"locale": "en", "next": "/"})
    save({bonus: ("", "")})
    assert _total(officer.get(f"/sheets/{cworld.sheet}").get_data(as_text=True)) == "20.5"


def test_running_total_counts_as_the_ranking_does(world, cworld, criteria, ctx):
    tc1, tc2, bonus = criteria
    campaign = db.session.get(Campaign, cworld.campaign)
    sheet = db.session.get(ScoreSheet, cworld.sheet)
    posted = {f"c{tc1}-points": "1.234,5", f"c{tc2}-points": "mười",
              f"c{bonus}-points": "3"}
    assert sc.running_total(campaign, sheet, posted, "vi") == Decimal("1237.5")
    penalty = cs.add_criterion(SYSTEM, campaign, code="P", title="Điểm trừ",
                               max_points=Decimal(5), kind="penalty")
    assert sc.running_total(campaign, sheet, {**posted, f"c{penalty.id}-points": "2"},
                            "vi") == Decimal("1235.5")
    assert sc.running_total(campaign, sheet) == Decimal(0)
    assert db.session.scalar(select(ScoreSheet.total).where(
        ScoreSheet.id == sheet.id)) is None


# --- the hub: freezing saves the settings on the page first ---------------------------------

def _settings_post(in_app, cworld, **changes):
    with in_app() as session:
        settings = sc.settings_for(session.get(Campaign, cworld.campaign))
        data = {"version": str(settings.version), "weight_self": "0,2", "weight_peer": "0,3",
                "weight_council": "0,5", "combine": "mean", "missing": "skip",
                "tie_1": "council", "tie_2": "", "tie_3": "", "flag_leaders": "1",
                "decimals": "1"}
    return {**data, **changes}


def _settings(in_app, cworld):
    with in_app() as session:
        settings = sc.settings_for(session.get(Campaign, cworld.campaign))
        return settings.weight_peer, settings.council_closes, settings.frozen_at is not None


def test_freezing_saves_the_settings_typed_first(world, cworld, login, in_app):
    organiser = login("tochuc")
    hub = organiser.get(f"/campaigns/{cworld.campaign}/scoring").get_data(as_text=True)
    assert re.search(r'<button[^>]*form="settings-form"[^>]*formaction="/campaigns/'
                     rf'{cworld.campaign}/scoring/freeze"', hub)
    response = organiser.post(f"/campaigns/{cworld.campaign}/scoring/freeze",
                              data=_settings_post(in_app, cworld, weight_peer="0,4"))
    assert response.status_code == 302
    assert _settings(in_app, cworld) == (Decimal("0.4"), None, True)


def test_a_refused_freeze_keeps_the_settings_saved(world, cworld, login, in_app):
    organiser = login("tochuc")
    response = organiser.post(f"/campaigns/{cworld.campaign}/scoring/freeze",
                              data=_settings_post(in_app, cworld, weight_peer="0,4",
                                                  council_closes="2099-12-31"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "31/12/2099" in page and "chưa được chốt" in page
    assert _settings(in_app, cworld) == (Decimal("0.4"), sc.date(2099, 12, 31), False)
    assert "data-unsaved" not in page


def test_refused_settings_freeze_nothing_and_stay_on_the_page(world, cworld, login, in_app):
    organiser = login("tochuc")
    response = organiser.post(f"/campaigns/{cworld.campaign}/scoring/freeze",
                              data=_settings_post(in_app, cworld, weight_self="0",
                                                  weight_peer="0", weight_council="0"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'<form[^>]*id="settings-form"[^>]*data-unsaved', page)
    assert re.search(r'name="weight_peer"[^>]*value="0"', page)
    assert _settings(in_app, cworld) == (Decimal("0.3"), None, False)
