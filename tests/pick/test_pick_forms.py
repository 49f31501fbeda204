"""The forms behind the pickers: a typed code still works, the fields carry their search and
the names of what they hold, a refused form shows what was typed, and never a name the user
could not have found."""
import html
import json
import re

from emulation.awards.catalogue.data import seed
from emulation.awards.catalogue.services import award_by_code
from emulation.awards.nominations.models import Nomination
from emulation.campaigns.models import CampaignParticipant
from emulation.core.web import local_today
from emulation.extensions import db
from emulation.pledges.models import Pledge


def _field(page: str, name: str, after: str = "") -> dict:
    """The attributes of the input or textarea named `name` (the first after `after`)."""
    page = page[page.index(after):]
    tag = re.search(rf'<(?:input|textarea)[^>]*\bname="{name}"[^>]*>', page).group(0)
    return {k: html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', tag)}


def _award(in_app, code="LDTT"):
    with in_app():
        seed(db.session)
        db.session.commit()
        return award_by_code(code).id


def test_nomination_fields_search_and_show_names(world, login):
    page = login("donvi1").get("/nominations/new").get_data(as_text=True)
    person = _field(page, "person_code")
    assert person["data-pick"] == "/pick/people" and person["data-pick-key"] == "code"
    assert _field(page, "unit_code")["data-pick"] == "/pick/units"
    proposing = _field(page, "proposing_unit_code")
    assert proposing["value"] == "CS-1"  # the code stays the field's value
    assert json.loads(proposing["data-pick-labels"]) == {"CS-1": "Công đoàn Công ty DAP"}
    assert "Gõ một phần tên hoặc mã" in json.loads(proposing["data-pick-texts"])["hint"]
    assert "/static/js/pickers.js" in page


def test_nomination_posted_with_codes_still_works(world, login, in_app):
    award = _award(in_app)
    response = login("donvi1").post("/nominations/new", data={
        "award": str(award), "year": "2026", "proposing_unit_code": "CS-1",
        "person_code": "P1", "campaign_id": "0", "summary": "Thành tích"})
    assert response.status_code == 302
    with in_app():
        n = db.session.query(Nomination).one()
        assert n.person_id == world.person1.id and n.proposing_unit_id == world.unit1.id


def test_without_the_picker_script_a_typed_full_name_is_read_when_it_names_one(world, login,
                                                                              in_app):
    """A browser without the pickers' script posts what was typed: the full name of one
    person in reach (accents optional) and of one unit are read as theirs; a name of
    someone out of reach is refused with the same words as no one."""
    award = _award(in_app)
    client = login("donvi1")
    response = client.post("/nominations/new", data={
        "award": str(award), "year": "2026", "proposing_unit_code": "Cong doan Cong ty DAP",
        "person_code": "nguyen van duc", "campaign_id": "0", "summary": "Thành tích"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with in_app():
        n = db.session.query(Nomination).one()
        assert n.person_id == world.person1.id and n.proposing_unit_id == world.unit1.id
    # person2 (Trần Thị Hằng) works in CS-2, which donvi1 does not serve
    refused = client.post("/nominations/new", data={
        "award": str(award), "year": "2025", "proposing_unit_code": "CS-1",
        "person_code": "Tran Thi Hang", "campaign_id": "0", "summary": "Thành tích"})
    assert refused.status_code == 400
    assert "mang mã hoặc họ tên Tran Thi Hang" in refused.get_data(as_text=True)


def test_a_refused_nomination_keeps_the_typed_name_and_says_why_in_vietnamese(world, login,
                                                                              in_app):
    award = _award(in_app)
    response = login("donvi1").post("/nominations/new", data={
        "award": str(award), "year": "2026", "proposing_unit_code": "CS-1",
        "person_code": "Nguyen Van Du", "campaign_id": "0", "summary": "Thành tích"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Không có cá nhân nào do bạn quản lý mang mã hoặc họ tên Nguyen Van Du" in page
    person = _field(page, "person_code")
    assert person["value"] == "Nguyen Van Du"
    assert json.loads(person["data-pick-labels"]) == {}
    # the proposing unit, a code, comes back shown by its name
    assert json.loads(_field(page, "proposing_unit_code")["data-pick-labels"]) == {
        "CS-1": "Công đoàn Công ty DAP"}
    with in_app():
        assert db.session.query(Nomination).count() == 0


def test_a_code_out_of_reach_gets_no_name(world, login, in_app):
    award = _award(in_app)
    response = login("donvi1").post("/nominations/new", data={
        "award": str(award), "year": "2026", "proposing_unit_code": "CS-1",
        "person_code": "P2", "campaign_id": "0", "summary": "Thành tích"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert json.loads(_field(page, "person_code")["data-pick-labels"]) == {}
    assert "Trần Thị Hằng" not in page


def test_participants_posted_as_codes_and_shown_by_name_when_refused(world, cworld, login,
                                                                     in_app):
    c = login("tochuc")
    url = f"/campaigns/{cworld.campaign}/participants"
    refused = c.post(url, data={"mode": "list", "unit_codes": "CS-1\nCS-3\nNOPE"})
    assert refused.status_code == 400
    field = _field(refused.get_data(as_text=True), "unit_codes",
                   after=f'action="{url}"')
    assert field["data-pick-multiple"] == "1"
    assert json.loads(field["data-pick-labels"]) == {
        "CS-1": "Công đoàn Công ty DAP", "CS-3": "Công đoàn Công ty Lâm Thao"}
    assert "NOPE" in refused.get_data(as_text=True)
    assert c.post(url, data={"mode": "list", "unit_codes": "CS-1, CS-3"}).status_code == 302
    with in_app():
        units = {p.unit_id for p in db.session.query(CampaignParticipant).filter_by(
            campaign_id=cworld.campaign)}
        assert units == {world.unit1.id, world.unit3.id}


def test_scoring_hub_fields_search_participants_and_accounts(world, cworld, login):
    page = login("tochuc").get(f"/campaigns/{cworld.campaign}/scoring").get_data(as_text=True)
    assert _field(page, "username")["data-pick"] == "/pick/users"
    assert _field(page, "unit_code")["data-pick"] == f"/pick/units?campaign={cworld.campaign}"


def test_title_registrations_are_a_staff_checklist_with_a_search(world, cworld, login,
                                                                 in_app):
    c = login("donvi2")
    url = f"/campaigns/{cworld.campaign}/units/{world.unit2.id}/pledge"
    c.post(url, data={"version": "0", f"m{cworld.movements[0]}-commitment": "A"})
    page = c.get(url).get_data(as_text=True)
    assert "<select" not in page  # no Ctrl-click list any more
    assert f'name="person-LDTT" value="{world.person2.id}"' in page
    assert f'data-pick="/pick/people?unit={world.unit2.id}"' in page
    assert 'data-pick-checklist="person-CSTDCS"' in page
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    saved = c.post(url + "/titles", data={"version": version,
                                          "person-LDTT": [str(world.person2.id)],
                                          "person-CSTDCS": [str(world.person2.id)]})
    assert saved.status_code == 302
    with in_app():
        pledge = db.session.query(Pledge).filter_by(unit_id=world.unit2.id).one()
        assert {(t.award_code, t.person_id) for t in pledge.titles} == {
            ("LDTT", world.person2.id), ("CSTDCS", world.person2.id)}
    page = c.get(url).get_data(as_text=True)
    box = re.search(rf'<input[^>]*name="person-LDTT" value="{world.person2.id}"[^>]*>', page)
    assert "checked" in box.group(0) and 'data-name="Trần Thị Hằng"' in box.group(0)


def test_a_refused_decision_keeps_the_typed_issuing_unit(world, login, in_app):
    from datetime import timedelta

    from tests.awards.conftest import passed_dossiers

    with in_app():  # the form shows only when a nomination can be granted
        passed_dossiers(world, [("GK", "regular")], published_on=local_today() - timedelta(days=60))
    c = login("tochuc")
    page = c.get("/decisions/new").get_data(as_text=True)
    assert _field(page, "unit_code")["data-pick"] == "/pick/units"
    refused = c.post("/decisions/new", data={"unit_code": "Cong doan Cong Thuong",
                                             "signed_on": "2026-12-01"})
    assert 400 <= refused.status_code < 500
    field = _field(refused.get_data(as_text=True), "unit_code")
    assert field["value"] == "Cong doan Cong Thuong"
    assert json.loads(field["data-pick-labels"]) == {}
    known = c.post("/decisions/new", data={"unit_code": "CDCTVN", "signed_on": "2026-12-01"})
    assert 400 <= known.status_code < 500  # no nomination chosen
    assert json.loads(_field(known.get_data(as_text=True), "unit_code")["data-pick-labels"]) == {
        "CDCTVN": "Công đoàn Công Thương Việt Nam"}


def test_council_members_are_picked_among_accounts(world, login, in_app):
    from emulation.awards.councils import services as cs
    from emulation.core.permissions import SYSTEM
    from emulation.org.models import Unit

    with in_app():
        council = cs.create_council(SYSTEM, db.session.get(Unit, world.top.id), "Hội đồng",
                                    66.67)
        council_id = council.id
    c = login("tochuc")
    page = c.get(f"/councils/{council_id}").get_data(as_text=True)
    assert _field(page, "username")["data-pick"] == "/pick/users"
    refused = c.post(f"/councils/{council_id}/members", data={"username": "Hoi dong",
                                                              "role": "member"})
    assert 400 <= refused.status_code < 500
    assert _field(refused.get_data(as_text=True), "username")["value"] == "Hoi dong"


def test_a_refused_code_with_a_nul_byte_is_never_looked_up(world, login, app):
    """A form refused for a NUL byte in a picker field comes back (400) without sending the
    code to the database to find its name: PostgreSQL refuses NUL in text (a 500 there)."""
    from sqlalchemy import event

    sent = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        sent.append(repr(parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        response = login("tochuc").post(f"/units/{world.unit1.id}/move", data={
            "version": "1", "parent_code": "a\x00b"})
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert response.status_code == 400
    assert "ký tự điều khiển" in response.get_data(as_text=True)
    assert sent and not [p for p in sent if "\\x00" in p]


def test_naming_an_account_out_of_reach_answers_as_one_that_does_not_exist(world, login,
                                                                          in_app, cworld):
    """A branch organiser adding a council member or a council scorer cannot learn which user
    names exist elsewhere: an account of another branch and no account get the same words."""
    from emulation.awards.councils import services as cs
    from emulation.awards.councils.models import CouncilMember
    from emulation.core.permissions import SYSTEM
    from emulation.org.models import Unit

    with in_app():
        branch_a = db.session.query(Unit).filter_by(code="CD-A").one()
        council = cs.create_council(SYSTEM, branch_a, "Hội đồng CD-A", 66.67)
        council_id = council.id
    c = login("tochuc_a")
    answers = []
    for name in ("donvi2", "khong-co-ai"):
        refused = c.post(f"/councils/{council_id}/members", data={"username": name,
                                                                  "role": "member"})
        assert refused.status_code == 400
        page = refused.get_data(as_text=True)
        answers.append(page.replace(name, "…"))
        assert f"Không có tài khoản nào bạn được chọn có tên đăng nhập {name}" in page
    assert re.findall(r'alert-danger[^<]*<[^>]*>[^<]*', answers[0]) == re.findall(
        r'alert-danger[^<]*<[^>]*>[^<]*', answers[1])
    # one in reach is added
    assert c.post(f"/councils/{council_id}/members", data={"username": "donvi1",
                                                           "role": "member"}).status_code == 302
    with in_app():
        assert db.session.query(CouncilMember).filter_by(council_id=council_id).count() == 1
