"""Searchable pickers in a real browser (issue 16): a clerk types part of a name without
accents, picks it from the list with the keyboard, and the record names that person; title
registrations add people by search as chips over the staff checklist.

A unit of its own (CS-9 under CD-B, its officer donvi9), so that these tests change nothing
the yearly cycle of test_cycle.py checks."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from emulation.core.web import local_today

pytestmark = pytest.mark.usefixtures("e2e_world")


@pytest.fixture(scope="module")
def picks(live_app, e2e_world):
    from emulation.awards.catalogue.services import award_by_code
    from emulation.extensions import db
    from emulation.org.models import Unit
    from tests.factories import gen_campaign, gen_person, gen_unit, gen_user

    with live_app.app_context():
        branch_b = db.session.get(Unit, e2e_world.branch_b.id)
        unit2 = db.session.get(Unit, e2e_world.unit2.id)
        unit9 = gen_unit("CS-9", "Công đoàn Công ty Phân bón Bình Điền", branch_b)
        mine = gen_person("PK-1", unit9, "Lê Thị Phương Thảo")
        gen_person("PK-3", unit9, "Đỗ Văn Hùng")
        other = gen_person("PK-2", unit2, "Lê Thị Phương Thúy")  # another unit's
        gen_user("donvi9", "unit_officer", unit9)
        top = db.session.get(Unit, e2e_world.top.id)
        campaign = gen_campaign(top, title="Thi đua chọn theo tên", year=local_today().year,
                                participants=[unit9],
                                registration_deadline=local_today() + timedelta(days=30))
        made = {"person": mine.id, "other": other.id, "unit": unit9.id,
                "award": award_by_code("LDTT").id,
                "pledge_url": f"/campaigns/{campaign.id}/units/{unit9.id}/pledge"}
        db.session.remove()
    return made


def test_a_person_is_picked_by_a_name_typed_without_accents(open_as, live_app, picks):
    from emulation.awards.nominations.models import Nomination
    from emulation.extensions import db

    page = open_as("donvi9")
    page.goto("/nominations/new")
    page.select_option("[name=award]", str(picks["award"]))
    # the proposing unit, a code in the form, is shown by its name
    expect(page.locator("#proposing_unit_code")).to_have_value(
        "Công đoàn Công ty Phân bón Bình Điền")
    box = page.locator("#person_code")
    expect(box).to_have_attribute("role", "combobox")
    box.press_sequentially("phuong th")
    options = _options(page, box)
    expect(options).to_have_count(1)  # Thúy of CS-2 is not this officer's to find
    expect(options.first).to_contain_text("Lê Thị Phương Thảo")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    box.press("Enter")
    expect(box).to_have_value("Lê Thị Phương Thảo")  # the name, not the code
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.locator("input[name=person_code]")).to_have_value("PK-1")
    page.fill("[name=summary]", "Hoàn thành tốt nhiệm vụ")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/nominations/*")
    expect(page.locator("main")).to_contain_text("Lê Thị Phương Thảo")
    with live_app.app_context():
        made = db.session.scalars(select(Nomination).where(
            Nomination.person_id == picks["person"])).all()
        assert len(made) == 1 and made[0].proposing_unit_id == picks["unit"]
        db.session.remove()


def test_escape_closes_the_list_and_a_typed_code_still_posts(open_as, picks):
    page = open_as("donvi9")
    page.goto("/nominations/new")
    box = page.locator("#person_code")
    assert page.evaluate("window.thiduaUnsavedForms().length") == 0
    box.press_sequentially("hung")
    expect(_options(page, box)).to_have_count(1)
    box.press("Escape")
    expect(page.locator("#" + box.get_attribute("aria-controls"))).to_be_hidden()
    box.fill("PK-3")  # typed, not picked: the code is what the form sends
    expect(page.locator("input[name=person_code]")).to_have_value("PK-3")
    # what the picker holds counts as typed work: leaving the page asks first
    assert page.evaluate("window.thiduaUnsavedForms().length") == 1


@pytest.mark.parametrize("how", ["click", "tab"])
def test_focus_selects_the_name_so_typing_replaces_it(open_as, picks, how):
    """A box already naming a unit: focusing it (a click in the middle of the name, or Tab)
    selects the whole name, so what is typed replaces it instead of landing mid-name."""
    page = open_as("donvi9")
    page.goto("/nominations/new")
    box = page.locator("#proposing_unit_code")
    name = "Công đoàn Công ty Phân bón Bình Điền"
    expect(box).to_have_value(name)
    if how == "click":
        box.click(position={"x": 40, "y": 10})
    else:
        page.locator("#campaign_id").focus()
        page.keyboard.press("Shift+Tab")
        expect(box).to_be_focused()
    assert page.evaluate(
        "() => { const b = document.getElementById('proposing_unit_code');"
        " return [b.selectionStart, b.selectionEnd]; }") == [0, len(name)]
    page.keyboard.type("binh dien")
    expect(box).to_have_value("binh dien")
    options = _options(page, box)
    expect(options.first).to_contain_text(name)
    # a second click, the box already focused, places the caret as usual
    box.click(position={"x": 20, "y": 10})
    assert page.evaluate(
        "() => { const b = document.getElementById('proposing_unit_code');"
        " return b.selectionStart === b.selectionEnd; }")


def test_title_registrations_add_people_by_search_as_chips(open_as, live_app, picks):
    from emulation.extensions import db
    from emulation.pledges.models import Pledge

    page = open_as("donvi9")
    page.goto(picks["pledge_url"])
    assert page.locator("select[multiple]").count() == 0
    search = page.get_by_role("combobox", name="Tìm người đăng ký danh hiệu Lao động tiên tiến")
    search.press_sequentially("thao")
    expect(_options(page, search)).to_have_count(1)
    search.press("ArrowDown")
    search.press("Enter")
    check = page.locator(f"input[name=person-LDTT][value='{picks['person']}']")
    expect(check).to_be_checked()
    chips = page.locator("[data-pick-checklist='person-LDTT'] .pick-chip")
    expect(chips).to_have_count(1)
    expect(chips.first).to_contain_text("Lê Thị Phương Thảo")
    # the chip's button removes the person; ticking the checklist adds them back
    chips.first.get_by_role("button").click()
    expect(check).not_to_be_checked()
    expect(chips).to_have_count(0)
    check.check()
    expect(chips).to_have_count(1)
    page.locator("textarea[name$='-commitment']").first.fill("Hoàn thành kế hoạch")
    page.locator("button[name=action][value=save]").click()
    page.wait_for_load_state()
    with live_app.app_context():
        pledge = db.session.scalar(select(Pledge).where(Pledge.unit_id == picks["unit"]))
        assert [(t.award_code, t.person_id) for t in pledge.titles] == [
            ("LDTT", picks["person"])]
        db.session.remove()


def _options(page, box):
    """The options of the list a search box controls."""
    return page.locator("#" + box.get_attribute("aria-controls")).get_by_role("option")
