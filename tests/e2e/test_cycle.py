"""The yearly cycle as each role clicks it, in one browser session per role.

The steps run in order (each test builds on the one before) against one live server. Each step
checks what it produced twice: on the page (the state badge, the values shown) and in the
database (read by table name through `_rows`)."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from emulation.core.web import local_today

TODAY = local_today()
YEAR = TODAY.year
LATER_DAY = TODAY + timedelta(days=30)
LATER = LATER_DAY.strftime("%d/%m/%Y")  # typed as a Vietnamese clerk types a date
STATE: dict = {}

pytestmark = pytest.mark.usefixtures("e2e_world")


def _reveal(page, action_end: str) -> None:
    """Open the <details> section holding the form, as a user clicks its summary."""
    details = page.locator(f"details:has(form[action$='{action_end}'])")
    if details.count() and details.first.get_attribute("open") is None:
        details.first.locator("summary").click()


def _type_code(page, selector: str, code: str) -> None:
    """Type a code into a picker's search box (a code is still what the form takes) and
    leave it with Tab, as a clerk who knows the code does: the list of names stays shut."""
    page.fill(selector, code)
    page.press(selector, "Tab")


def _submit(page, action_part: str, button: str | None = None) -> None:
    """Click the submit button of the form whose action contains `action_part`."""
    form = page.locator(f"form[action*='{action_part}']").first
    target = form.locator("button[type=submit]")
    if button:
        target = form.get_by_role("button", name=button)
    target.first.click()
    page.wait_for_load_state()


def _ok(page) -> None:
    """The last action succeeded: a success message and no error message."""
    errors = page.locator(".alert-danger")
    assert errors.count() == 0, errors.all_inner_texts()
    assert page.locator(".alert-success").count() >= 1, page.content()[:2000]


def _badge(page) -> str:
    """The state shown in the page's heading (campaign, pledge, report, sheet, dossier…)."""
    return page.locator("h1 .badge").first.inner_text().strip()


def _rows(live_app, table: str, **where) -> list:
    """The rows of a table matching `where`, in primary-key order. Tables are read by name, not
    through the models, so that the checks do not depend on which module holds a model."""
    from emulation.extensions import db

    with live_app.app_context():
        t = db.metadata.tables[table]
        stmt = select(t).where(*(t.c[k] == v for k, v in where.items())).order_by(
            *t.primary_key.columns)
        rows = db.session.execute(stmt).mappings().all()
        db.session.remove()
    return rows


def _one(live_app, table: str, **where):
    rows = _rows(live_app, table, **where)
    assert len(rows) == 1, (table, where, rows)
    return rows[0]


def _unit_id(live_app, code: str) -> int:
    return _one(live_app, "unit", code=code)["id"]


def _id_in(url: str) -> int:
    """The id that ends a page's URL (/nominations/12, /decisions/3 …)."""
    return int(re.search(r"/(\d+)$", url).group(1))


def test_1_organiser_issues_and_publishes_a_campaign(open_as, live_app):
    page = open_as("tochuc")
    page.goto("/campaigns/new")
    page.fill("[name=number]", f"01/CT-CĐCT-{YEAR}")
    page.fill("[name=title]", f"Phát động thi đua yêu nước năm {YEAR}")
    page.fill("[name=year_start]", str(YEAR))
    _type_code(page, "#issuing_unit_code", "CDCTVN")
    page.fill("[name=registration_deadline]", LATER)
    page.fill("[name=scoring_opens]", (TODAY - timedelta(days=1)).strftime("%d/%m/%Y"))
    page.fill("[name=scoring_closes]", LATER)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/campaigns/\d+$"))
    STATE["campaign"] = int(page.url.rsplit("/", 1)[1])
    _reveal(page, "/movements")
    page.fill("form[action$='/movements'] [name=title]",
              "Thi đua thực hiện thắng lợi nhiệm vụ sản xuất kinh doanh")
    _submit(page, "/movements")
    _ok(page)
    _reveal(page, "/periods")
    page.select_option("form[action$='/periods'] [name=kind]", "yearend")
    page.fill("form[action$='/periods'] [name=label]", f"Tổng kết năm {YEAR}")
    page.fill("form[action$='/periods'] [name=year]", str(YEAR))
    page.fill("form[action$='/periods'] [name=deadline]", LATER)
    _submit(page, "/periods")
    _ok(page)
    _reveal(page, "/criteria")
    page.fill("form[action$='/criteria'] [name=code]", "TC1")
    page.fill("form[action$='/criteria'] [name=title]", "Hoàn thành chỉ tiêu")
    page.fill("form[action$='/criteria'] [name=max_points]", "10")
    _submit(page, "/criteria")
    _ok(page)
    _reveal(page, "/participants")
    page.select_option("form[action$='/participants'] [name=mode]", "list")
    _type_code(page, "form[action$='/participants'] #unit_codes", "CS-1, CS-2, CS-3")
    _submit(page, "/participants")
    _ok(page)
    page.goto(f"/campaigns/{STATE['campaign']}/clusters/new")
    page.fill("[name=name]", "Cụm thi đua số 1")
    _type_code(page, "#member_codes", "CS-1 CS-2 CS-3")
    _type_code(page, "#leader_code", "CS-1")
    _type_code(page, "#deputy_code", "CS-2")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    _ok(page)
    page.locator("#campaign-publish").click()  # the participants' form: saves them first
    page.wait_for_load_state()
    _ok(page)
    assert page.locator("form[action$='/close']").count() == 1  # published: it can be closed
    assert _badge(page) == "Đã phát động"
    page.goto(f"/campaigns/{STATE['campaign']}")
    assert page.get_by_text("Thi đua thực hiện thắng lợi nhiệm vụ sản xuất kinh doanh").count()
    assert page.get_by_text("Hoàn thành chỉ tiêu").count()

    campaign_id = STATE["campaign"]
    campaign = _one(live_app, "campaign", id=campaign_id)
    assert (campaign["state"], campaign["number"]) == ("published", f"01/CT-CĐCT-{YEAR}")
    assert [m["title"] for m in _rows(live_app, "movement", campaign_id=campaign_id)] == [
        "Thi đua thực hiện thắng lợi nhiệm vụ sản xuất kinh doanh"]
    period = _one(live_app, "report_period", campaign_id=campaign_id)
    assert (period["kind"], period["year"], period["deadline"]) == (
        "yearend", YEAR, LATER_DAY)
    criterion = _one(live_app, "criterion", campaign_id=campaign_id)
    assert (criterion["code"], criterion["max_points"]) == ("TC1", Decimal(10))
    units = [_unit_id(live_app, code) for code in ("CS-1", "CS-2", "CS-3")]
    assert sorted(p["unit_id"] for p in _rows(live_app, "campaign_participant",
                                              campaign_id=campaign_id)) == sorted(units)
    cluster = _one(live_app, "cluster", campaign_id=campaign_id)
    assert (cluster["name"], cluster["leader_unit_id"], cluster["deputy_unit_id"]) == (
        "Cụm thi đua số 1", units[0], units[1])
    assert sorted(m["unit_id"] for m in _rows(live_app, "cluster_member",
                                              cluster_id=cluster["id"])) == sorted(units)


def test_2_unit_officer_pledges_and_the_organiser_approves(open_as, live_app):
    officer = open_as("donvi1")
    officer.goto("/pledges/")
    officer.locator(f"a[href*='/campaigns/{STATE['campaign']}/units/']").first.click()
    officer.wait_for_load_state()
    commitment = officer.locator("textarea[name$='-commitment']").first
    commitment.fill("Hoàn thành 100% kế hoạch sản xuất; 3 sáng kiến được công nhận")
    officer.locator("input[name$='-target_value']").first.fill("3")
    officer.get_by_role("button", name="Lưu nháp").click()
    officer.wait_for_load_state()
    _ok(officer)
    officer.get_by_role("button", name="Gửi", exact=True).click()  # the pledge's one form
    officer.wait_for_load_state()
    _ok(officer)
    assert _badge(officer) == "Đã gửi"
    STATE["pledge_url"] = officer.url
    pledge = _one(live_app, "pledge", campaign_id=STATE["campaign"],
                  unit_id=_unit_id(live_app, "CS-1"))
    assert pledge["state"] == "submitted"

    organiser = open_as("tochuc")
    organiser.goto(STATE["pledge_url"])
    _submit(organiser, "/approve")
    _ok(organiser)
    assert _badge(organiser) == "Đã duyệt"
    assert _one(live_app, "pledge", id=pledge["id"])["state"] == "approved"
    item = _rows(live_app, "pledge_item", pledge_id=pledge["id"])[0]
    assert (item["commitment"], item["target_value"]) == (
        "Hoàn thành 100% kế hoạch sản xuất; 3 sáng kiến được công nhận", Decimal(3))


def test_3_unit_officer_reports_with_evidence(open_as, tmp_path, live_app):
    officer = open_as("donvi1")
    officer.goto(STATE["pledge_url"])
    officer.locator("a[href*='/reports/']").first.click()
    officer.wait_for_load_state()
    officer.fill("[name=integration]", "Đã lồng ghép phong trào vào nghị quyết của đơn vị")
    officer.locator("input[name$='-achieved_value']").first.fill("3")
    officer.locator("textarea[name$='-narrative']").first.fill("Ba sáng kiến được công nhận")
    officer.get_by_role("button", name="Lưu nháp").click()
    officer.wait_for_load_state()
    _ok(officer)
    evidence = tmp_path / "Biên bản công nhận sáng kiến.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% minh chung\n")
    officer.locator("#report-form input[type=file]").first.set_input_files(str(evidence))
    officer.get_by_role("button", name="Đính kèm").first.click()  # saves, then attaches
    officer.wait_for_load_state()
    _ok(officer)
    assert officer.get_by_text("Biên bản công nhận sáng kiến.pdf").count() >= 1
    officer.get_by_role("button", name="Gửi báo cáo").click()
    officer.wait_for_load_state()
    _ok(officer)
    assert _badge(officer) == "Đã gửi"

    report = _one(live_app, "report", campaign_id=STATE["campaign"],
                  unit_id=_unit_id(live_app, "CS-1"))
    assert (report["state"], report["integration"]) == (
        "submitted", "Đã lồng ghép phong trào vào nghị quyết của đơn vị")
    item = _rows(live_app, "report_item", report_id=report["id"])[0]
    assert (item["achieved_value"], item["narrative"]) == (
        Decimal(3), "Ba sáng kiến được công nhận")
    stored = _one(live_app, "attachment", original_name="Biên bản công nhận sáng kiến.pdf")
    assert stored["size"] == len(evidence.read_bytes())


def test_4_peers_and_the_council_score(open_as, live_app):
    organiser = open_as("tochuc")
    organiser.goto(f"/campaigns/{STATE['campaign']}/scoring")
    organiser.select_option("form[action$='/peer-assignments'] [name=mode]", "all")
    _submit(organiser, "/peer-assignments")
    _ok(organiser)
    _type_code(organiser, "form[action$='/council-scorers'] #username", "giamkhao")
    _submit(organiser, "/council-scorers")
    _ok(organiser)
    sheets = _rows(live_app, "score_sheet", campaign_id=STATE["campaign"])
    kinds = [sheet["scorer_kind"] for sheet in sheets]
    # three units in one cluster: each scores the two others; the scorer scores all three
    assert (kinds.count("peer"), kinds.count("council")) == (6, 3), kinds
    for username in ("donvi1", "giamkhao"):
        scorer = open_as(username)
        scorer.goto("/scoring/")
        scorer.locator("main a[href*='/sheets/'], table a[href*='/sheets/']").first.click()
        scorer.wait_for_load_state()
        scorer.locator("input[name$='-points']").first.fill("8,5")
        scorer.get_by_role("button", name="Lưu nháp").click()
        scorer.wait_for_load_state()
        _ok(scorer)
        scorer.get_by_role("button", name="Gửi", exact=True).click()  # the sheet's one form
        scorer.wait_for_load_state()
        _ok(scorer)
        assert _badge(scorer) == "Đã gửi"
        sheet = _one(live_app, "score_sheet", id=_id_in(scorer.url))
        assert (sheet["state"], sheet["total"]) == ("submitted", Decimal("8.5"))
        assert [s["points"] for s in _rows(live_app, "score", sheet_id=sheet["id"])] == [
            Decimal("8.5")]
    organiser.goto(f"/campaigns/{STATE['campaign']}/ranking")
    assert organiser.get_by_text("8,5").count() >= 1


def test_5_unit_officer_nominates_and_the_dossier_climbs(open_as, e2e_world, live_app):
    officer = open_as("donvi1")
    officer.goto("/nominations/new")
    officer.select_option("[name=award]", label="Lao động tiên tiến")
    _type_code(officer, "#person_code", "P1")
    officer.fill("[name=summary]", "Hoàn thành xuất sắc nhiệm vụ; 3 sáng kiến được công nhận")
    officer.locator("form button[type=submit]").last.click()
    officer.wait_for_url(re.compile(r"/nominations/\d+$"))
    STATE["nomination"] = officer.url
    _ok(officer)
    reason = officer.locator("#dossier-form [name=explanation]")
    if reason.count():  # asked only when the engine finds a condition unmet
        reason.fill("Kết quả đánh giá năm nay chưa được nhập vào hệ thống")
    officer.locator("#dossier-form").get_by_role("button", name="Gửi", exact=True).click()
    officer.wait_for_load_state()
    _ok(officer)
    assert _badge(officer) == "Đã gửi"
    nomination_id = _id_in(STATE["nomination"])
    nomination = _one(live_app, "nomination", id=nomination_id)
    assert nomination["state"] == "submitted"
    assert nomination["person_id"] == _one(live_app, "person", code="P1")["id"]
    assert nomination["award_type_id"] == _one(live_app, "award_type", code="LDTT")["id"]

    branch = open_as("tochuc_a")
    branch.goto(STATE["nomination"])
    _submit(branch, "/receive")
    _ok(branch)
    assert _badge(branch) == "Đã tiếp nhận"
    _submit(branch, "/forward")
    _ok(branch)
    top = open_as("tochuc")
    top.goto(STATE["nomination"])
    _submit(top, "/receive")
    _ok(top)
    # CD-A has no council: the page says so instead of offering the agenda
    assert top.locator("form[action$='/agenda']").count() == 0
    expect(top.locator("#no-council")).to_contain_text("chưa có hội đồng")
    _submit(top, "/forward")
    _ok(top)
    _submit(top, "/receive")
    _ok(top)

    # forwarded twice: from the proposing unit's level (CS-1) to its parent's (CD-A), where
    # the top's organiser, who covers every level, receives it and forwards it to the top
    nomination = _one(live_app, "nomination", id=nomination_id)
    branch_level = _unit_id(live_app, "CD-A")
    assert (nomination["state"], nomination["level_unit_id"]) == (
        "received", _unit_id(live_app, "CDCTVN"))
    steps = _rows(live_app, "nomination_step", nomination_id=nomination_id)
    # the history names each actor by full name (factories: the username, capitalised)
    assert [(step["to_state"], step["actor_name"]) for step in steps] == [
        ("submitted", "Donvi1"), ("received", "Tochuc_A"), ("forwarded", "Tochuc_A"),
        ("received", "Tochuc"), ("forwarded", "Tochuc"), ("received", "Tochuc")]
    assert steps[2]["level_unit_id"] == branch_level


def test_6_secretary_runs_the_meeting_and_seven_members_vote(open_as, live_app):
    organiser = open_as("tochuc")
    organiser.goto("/councils/")
    organiser.fill("[name=name]", "Hội đồng Thi đua - Khen thưởng")
    _type_code(organiser, "#c-unit", "CDCTVN")
    organiser.locator("form button[type=submit]").last.click()
    organiser.wait_for_url(re.compile(r"/councils/\d+$"))
    council_url = organiser.url
    members = [("thuky", "secretary"), ("hoidong1", "chair")] + [
        (f"hd{i}", "member") for i in range(2, 8)]
    for username, role in members:
        _type_code(organiser, "form[action$='/members'] #m-user", username)
        organiser.select_option("form[action$='/members'] [name=role]", role)
        _submit(organiser, "/members")
        _ok(organiser)

    # the top has its council now: its organiser puts the dossier on the agenda
    organiser.goto(STATE["nomination"])
    _submit(organiser, "/agenda")
    _ok(organiser)
    assert _badge(organiser) == "Đã đưa vào chương trình họp Hội đồng"

    secretary = open_as("thuky")
    secretary.goto(council_url)
    secretary.fill("form[action$='/meetings'] [name=title]", f"Phiên họp xét khen thưởng {YEAR}")
    secretary.fill("form[action$='/meetings'] [name=held_on]", TODAY.isoformat())  # ISO is read too
    _submit(secretary, "/meetings")
    secretary.wait_for_url(re.compile(r"/meetings/\d+$"))
    STATE["meeting"] = secretary.url
    for box in secretary.locator("input[name=member]").all():
        box.check()
    _submit(secretary, "/attendance")
    _ok(secretary)
    _submit(secretary, "/agenda")
    _ok(secretary)
    _submit(secretary, "/attendance", "Mở bỏ phiếu kín")  # saves the attendance first
    _ok(secretary)

    for username in ["hoidong1"] + [f"hd{i}" for i in range(2, 8)][:6]:
        member = open_as(username)
        member.goto(STATE["meeting"])
        member.locator("form[action*='/vote'] button[value='1']").first.click()
        member.wait_for_load_state()
        _ok(member)
    secretary.goto(STATE["meeting"])
    _submit(secretary, "/close")
    _ok(secretary)
    assert _badge(secretary) == "Đã kết thúc"

    council = _one(live_app, "council", id=_id_in(council_url))
    roles = {_one(live_app, "user", id=m["user_id"])["username"]: m["role"]
             for m in _rows(live_app, "council_member", council_id=council["id"])}
    assert roles == dict(members)
    meeting = _one(live_app, "council_meeting", id=_id_in(STATE["meeting"]))
    assert meeting["state"] == "closed"
    assert len(_rows(live_app, "meeting_attendance", meeting_id=meeting["id"])) == 8
    item = _one(live_app, "agenda_item", meeting_id=meeting["id"])
    assert item["nomination_id"] == _id_in(STATE["nomination"])
    assert (item["agree"], item["disagree"], item["abstain"], item["passed"]) == (7, 0, 0, True)
    assert len(_rows(live_app, "ballot_participation", item_id=item["id"])) == 7
    assert not _rows(live_app, "ballot_paper", item_id=item["id"])  # opened and destroyed


def test_7_organiser_publishes_and_issues_the_decision(open_as, live_app):
    organiser = open_as("tochuc")
    organiser.goto(STATE["meeting"])
    _submit(organiser, "/publish")
    _ok(organiser)
    # While the list is published, /decisions/new explains why the nomination waits and when
    # it can be granted, instead of a bare "nothing ready" (the award's own publication is 0
    # days, grantable at once: give the notice five days to run).
    from emulation.awards.decisions.models import Publication
    from emulation.extensions import db

    with live_app.app_context():
        for publication in db.session.query(Publication):
            publication.ends_on = TODAY + timedelta(days=5)
        db.session.commit()
        db.session.remove()
    organiser.goto("/decisions/new")
    waiting = organiser.locator(".decision-waiting li")
    assert waiting.count() == 1
    assert "có thể khen thưởng từ" in waiting.first.inner_text()
    assert organiser.locator("input[name=nomination]").count() == 0
    # The public notice runs its working days before a decision may grant the title: let
    # that time pass (the only step not clicked — a test cannot wait days).
    with live_app.app_context():
        for publication in db.session.query(Publication):
            publication.starts_on = TODAY - timedelta(days=10)
            publication.ends_on = TODAY - timedelta(days=3)
        db.session.commit()
        db.session.remove()

    organiser.goto("/decisions/new")
    organiser.fill("[name=number]", f"15/QĐ-CĐCT-{YEAR}")
    organiser.fill("[name=signer]", "Nguyễn Văn Hùng")
    _type_code(organiser, "#d-unit", "CDCTVN")
    assert organiser.locator("input[name=nomination]").count() == 1
    organiser.locator("form button[type=submit]").last.click()
    organiser.wait_for_url(re.compile(r"/decisions/\d+$"))
    assert organiser.locator(".alert-danger").count() == 0
    organiser.get_by_role("button", name="Ban hành").click()
    organiser.wait_for_load_state()
    _ok(organiser)
    assert organiser.get_by_text("Đã ban hành").count() >= 1
    assert _badge(organiser) == "Đã ban hành"
    decision_id = _id_in(organiser.url)
    # the dossier shows its outcome: granted by this decision
    organiser.goto(STATE["nomination"])
    outcome = organiser.locator("h1 .dossier-outcome").inner_text()
    assert f"Đã khen thưởng — QĐ 15/QĐ-CĐCT-{YEAR} ngày" in outcome

    assert _one(live_app, "publication", meeting_id=_id_in(STATE["meeting"]))
    decision = _one(live_app, "decision", id=decision_id)
    assert (decision["state"], decision["number"]) == ("issued", f"15/QĐ-CĐCT-{YEAR}")
    item = _one(live_app, "decision_item", decision_id=decision["id"])
    assert item["nomination_id"] == _id_in(STATE["nomination"])
    record = _one(live_app, "award_record", id=item["award_record_id"])
    assert (record["award_code"], record["person_id"], record["year"],
            record["decision_number"], record["revoked"]) == (
        "LDTT", _one(live_app, "person", code="P1")["id"], YEAR, f"15/QĐ-CĐCT-{YEAR}", False)


def test_8_the_honour_roll_shows_the_award(open_as):
    viewer = open_as("xem")
    viewer.goto(f"/honours/?year={YEAR}")
    row = viewer.locator("table tr", has_text="Nguyễn Văn Đức")
    assert row.count() >= 1
    assert "LDTT" in row.first.inner_text() or "Lao động tiên tiến" in row.first.inner_text()
    officer = open_as("donvi1")
    officer.goto("/notifications/")
    assert officer.get_by_text(f"15/QĐ-CĐCT-{YEAR}").count() >= 1  # the unit is told
