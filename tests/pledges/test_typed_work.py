"""Never lose typed work (issue 16): the pledge's and the report's buttons sit in the one form
of their page, every post saves what is on the page first, and a refused post comes back
(4xx, not a redirect) with what was typed."""
import io
import re
from datetime import date

from sqlalchemy import select

from emulation.campaigns.models import Campaign
from emulation.core.audit import AuditEvent
from emulation.core.uploads import Attachment
from emulation.org.models import Person
from emulation.pledges.models import Pledge, Report


def _url(cworld, unit_id):
    return f"/campaigns/{cworld.campaign}/units/{unit_id}/pledge"


def _pledge(in_app, cworld, unit_id):
    with in_app() as session:
        pledge = session.scalar(select(Pledge).where(Pledge.campaign_id == cworld.campaign,
                                                     Pledge.unit_id == unit_id))
        if pledge is None:
            return None
        return {"state": pledge.state, "version": pledge.version,
                "items": {i.movement_id: i.commitment for i in pledge.items},
                "titles": sorted((t.award_code, t.person_id) for t in pledge.titles),
                "steps": [(s.from_state, s.to_state) for s in pledge.steps]}


def _actions(in_app, prefix):
    with in_app() as session:
        return list(session.scalars(select(AuditEvent.action).where(
            AuditEvent.action.startswith(prefix)).order_by(AuditEvent.id)))


def _draft(world, cworld, login, in_app, text="Bản cũ"):
    officer = login("donvi2")
    assert officer.post(_url(cworld, world.unit2.id), data={
        "version": "0", f"m{cworld.movements[0]}-commitment": text}).status_code == 302
    return officer, _pledge(in_app, cworld, world.unit2.id)["version"]


def test_the_page_has_one_form_with_both_buttons(world, cworld, login, in_app):
    officer, _version = _draft(world, cworld, login, in_app)
    page = officer.get(_url(cworld, world.unit2.id)).get_data(as_text=True)
    form = re.search(r'<form[^>]*id="pledge-form".*?</form>', page, re.S).group(0)
    assert 'name="action" value="save"' in form and 'name="action" value="submit"' in form
    assert 'name="unit_titles"' in form  # the title registrations are saved with it
    assert "/pledge/submit" not in page  # no form posts the action alone


def test_submit_saves_the_edits_then_submits_them(world, cworld, login, in_app):
    officer, version = _draft(world, cworld, login, in_app)
    m1 = cworld.movements[0]
    response = officer.post(_url(cworld, world.unit2.id), data={
        "version": str(version), "action": "submit", f"m{m1}-commitment": "Bản đã sửa"})
    assert response.status_code == 302
    pledge = _pledge(in_app, cworld, world.unit2.id)
    assert (pledge["state"], pledge["items"][m1]) == ("submitted", "Bản đã sửa")
    assert pledge["steps"] == [("draft", "submitted")]
    assert _actions(in_app, "pledge.")[-2:] == ["pledge.save", "pledge.submitted"]


def test_the_submit_address_saves_the_fields_posted_with_it(world, cworld, login, in_app):
    officer, version = _draft(world, cworld, login, in_app)
    m1 = cworld.movements[0]
    assert officer.post(_url(cworld, world.unit2.id) + "/submit", data={
        "version": str(version), f"m{m1}-commitment": "Sửa rồi gửi"}).status_code == 302
    pledge = _pledge(in_app, cworld, world.unit2.id)
    assert (pledge["state"], pledge["items"][m1]) == ("submitted", "Sửa rồi gửi")


def test_submit_of_a_new_pledge_creates_and_submits_it(world, cworld, login, in_app):
    officer = login("donvi2")
    m1 = cworld.movements[0]
    assert officer.post(_url(cworld, world.unit2.id), data={
        "version": "0", "action": "submit", f"m{m1}-commitment": "Lần đầu"}).status_code == 302
    assert _pledge(in_app, cworld, world.unit2.id)["state"] == "submitted"


def test_a_refused_submission_keeps_the_edits_as_a_draft(world, cworld, login, in_app):
    officer, version = _draft(world, cworld, login, in_app)
    with in_app() as session:
        session.get(Campaign, cworld.campaign).registration_deadline = date(2020, 1, 31)
        session.commit()
    m1 = cworld.movements[0]
    response = officer.post(_url(cworld, world.unit2.id), data={
        "version": str(version), "action": "submit", f"m{m1}-commitment": "Gõ sau hạn"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409  # the page again, not a redirect
    assert "31/01/2020" in page and "chưa được gửi" in page
    assert "Gõ sau hạn</textarea>" in page
    assert "data-unsaved" not in page  # saved: leaving the page loses nothing
    pledge = _pledge(in_app, cworld, world.unit2.id)
    assert (pledge["state"], pledge["items"][m1]) == ("draft", "Gõ sau hạn")
    assert f'name="version" type="hidden" value="{pledge["version"]}"' in page


def test_a_refused_save_keeps_what_was_typed_and_submits_nothing(world, cworld, login, in_app):
    officer, version = _draft(world, cworld, login, in_app)
    m1, m2 = cworld.movements
    response = officer.post(_url(cworld, world.unit2.id), data={
        "version": str(version), "action": "submit", f"m{m1}-commitment": "Chưa lưu được",
        f"m{m2}-commitment": "Nội dung hai", f"m{m2}-target_value": "mười"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Chưa lưu được</textarea>" in page and 'value="mười"' in page
    assert re.search(r'<form[^>]*id="pledge-form"[^>]*data-unsaved', page)
    pledge = _pledge(in_app, cworld, world.unit2.id)
    assert (pledge["state"], pledge["items"][m1], pledge["version"]) == (
        "draft", "Bản cũ", version)


def test_title_registrations_are_saved_with_the_pledge(world, cworld, login, in_app):
    officer, version = _draft(world, cworld, login, in_app)
    m1 = cworld.movements[0]
    assert officer.post(_url(cworld, world.unit2.id), data={
        "version": str(version), "action": "submit", f"m{m1}-commitment": "Kèm danh hiệu",
        "titles": "1", "unit_titles": "TTLDXS",
        "person-LDTT": str(world.person2.id)}).status_code == 302
    pledge = _pledge(in_app, cworld, world.unit2.id)
    assert pledge["state"] == "submitted"
    assert pledge["titles"] == [("LDTT", world.person2.id), ("TTLDXS", None)]


def test_a_refused_title_saves_nothing_and_keeps_the_choice(world, cworld, login, in_app):
    officer, version = _draft(world, cworld, login, in_app)
    m1 = cworld.movements[0]
    with in_app() as session:  # a person of the unit, deactivated since the page was loaded
        session.get(Person, world.person2.id).active = False
        session.commit()
    response = officer.post(_url(cworld, world.unit2.id), data={
        "version": str(version), f"m{m1}-commitment": "Không lưu", "titles": "1",
        "unit_titles": "TTLDTT", "person-LDTT": str(world.person2.id)})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Không lưu</textarea>" in page
    assert re.search(r'value="TTLDTT" id="ut-TTLDTT"\s+checked', page)
    pledge = _pledge(in_app, cworld, world.unit2.id)
    assert (pledge["items"][m1], pledge["titles"]) == ("Bản cũ", [])


def test_without_the_titles_section_the_registrations_are_kept(world, cworld, login, in_app):
    officer, version = _draft(world, cworld, login, in_app)
    assert officer.post(_url(cworld, world.unit2.id), data={
        "version": str(version), "titles": "1", "unit_titles": "TTLDTT"}).status_code == 302
    version = _pledge(in_app, cworld, world.unit2.id)["version"]
    assert officer.post(_url(cworld, world.unit2.id), data={  # an older page, no section
        "version": str(version), f"m{cworld.movements[0]}-commitment": "B"}).status_code == 302
    assert _pledge(in_app, cworld, world.unit2.id)["titles"] == [("TTLDTT", None)]


# --- reports -------------------------------------------------------------------------------

def _report_url(world, cworld):
    return f"/campaigns/{cworld.campaign}/units/{world.unit1.id}/reports/{cworld.period}"


def _report(in_app, cworld):
    with in_app() as session:
        report = session.get(Report, cworld.report)
        return {"state": report.state, "version": report.version,
                "integration": report.integration,
                "rows": {r.pledge_item_id: (r.id, r.narrative) for r in report.items}}


def _files_of(in_app, row_id):
    with in_app() as session:
        return list(session.scalars(select(Attachment.original_name).where(
            Attachment.owner_type == "report_item", Attachment.owner_id == row_id)
            .order_by(Attachment.id)))


def _item_ids(in_app, cworld):
    with in_app() as session:
        pledge = session.get(Pledge, cworld.pledge)
        return [i.id for i in pledge.items]


def test_report_submit_saves_attaches_then_submits(world, cworld, login, in_app):
    officer = login("donvi1")
    first, second = _item_ids(in_app, cworld)
    version = _report(in_app, cworld)["version"]
    response = officer.post(_report_url(world, cworld), content_type="multipart/form-data",
                            data={"version": str(version), "action": "submit",
                                  "integration": "Đã sửa trước khi gửi",
                                  f"i{first}-narrative": "Làm được 6",
                                  f"i{second}-narrative": "Tham gia đủ",
                                  f"i{second}-file": (io.BytesIO(b"%PDF-1.4 bien ban"),
                                                      "biên bản.pdf")})
    assert response.status_code == 302
    report = _report(in_app, cworld)
    assert (report["state"], report["integration"]) == ("submitted", "Đã sửa trước khi gửi")
    assert report["rows"][first][1] == "Làm được 6"
    assert _files_of(in_app, report["rows"][second][0]) == ["biên bản.pdf"]


def test_the_report_submit_address_saves_the_fields_first(world, cworld, login, in_app):
    officer = login("donvi1")
    version = _report(in_app, cworld)["version"]
    assert officer.post(f"/reports/{cworld.report}/submit", data={
        "version": str(version), "integration": "Gửi kèm sửa"}).status_code == 302
    report = _report(in_app, cworld)
    assert (report["state"], report["integration"]) == ("submitted", "Gửi kèm sửa")


def test_attach_saves_the_text_and_a_refused_file_keeps_it(world, cworld, login, in_app):
    officer = login("donvi1")
    first, _second = _item_ids(in_app, cworld)
    before = _report(in_app, cworld)
    row = before["rows"][first][0]
    response = officer.post(_report_url(world, cworld), content_type="multipart/form-data",
                            data={"version": str(before["version"]), "action": "attach",
                                  "integration": "Gõ rồi đính kèm",
                                  f"i{first}-narrative": "Kết quả mới",
                                  f"i{first}-file": (io.BytesIO(b"MZ not a pdf"), "x.pdf")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Gõ rồi đính kèm</textarea>" in page and "Kết quả mới</textarea>" in page
    assert "hãy chọn lại tệp" in page
    report = _report(in_app, cworld)
    assert (report["integration"], report["rows"][first][1]) == ("Gõ rồi đính kèm",
                                                                 "Kết quả mới")
    assert f'value="{report["version"]}"' in page  # the form goes on from the saved version
    assert _files_of(in_app, row) == ["minh chứng.pdf"]  # the demo's file only
    ok = officer.post(_report_url(world, cworld), content_type="multipart/form-data",
                      data={"version": str(report["version"]), "action": "attach",
                            f"i{first}-file": (io.BytesIO(b"%PDF-1.4 ok"), "đúng.pdf")})
    assert ok.status_code == 302
    assert _files_of(in_app, row) == ["minh chứng.pdf", "đúng.pdf"]
    assert _report(in_app, cworld)["integration"] == "Gõ rồi đính kèm"  # kept: not posted


def test_a_refused_report_save_keeps_the_text_and_submits_nothing(world, cworld, login,
                                                                    in_app):
    officer = login("donvi1")
    first, _second = _item_ids(in_app, cworld)
    version = _report(in_app, cworld)["version"]
    response = officer.post(_report_url(world, cworld), data={
        "version": str(version), "action": "submit", "difficulties": "Thiếu kinh phí",
        f"i{first}-progress_pct": "120"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Thiếu kinh phí</textarea>" in page and 'value="120"' in page
    assert re.search(r'<form[^>]*id="report-form"[^>]*data-unsaved', page)
    report = _report(in_app, cworld)
    assert (report["state"], report["version"]) == ("draft", version)
