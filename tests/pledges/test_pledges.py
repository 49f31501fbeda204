import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from emulation.campaigns.models import Campaign
from emulation.core.errors import InvalidState
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.pledges import reports as pledge_reports
from emulation.pledges import services as ps
from emulation.pledges.models import Pledge, Report
from tests.factories import gen_person


def _pledge(in_app, campaign_id, unit_id):
    with in_app() as session:
        pledge = session.scalar(select(Pledge).where(Pledge.campaign_id == campaign_id,
                                                     Pledge.unit_id == unit_id))
        if pledge is None:
            return None
        return {"id": pledge.id, "state": pledge.state, "version": pledge.version,
                "items": {i.movement_id: (i.commitment, i.target_value) for i in pledge.items},
                "steps": [(s.from_state, s.to_state, s.reason) for s in pledge.steps],
                "titles": sorted((t.award_code, t.person_id) for t in pledge.titles)}


def _url(cworld, unit_id):
    return f"/campaigns/{cworld.campaign}/units/{unit_id}/pledge"


def test_officer_saves_a_pledge_with_targets(world, cworld, login, in_app):
    c = login("donvi2")
    m1, m2 = cworld.movements
    response = c.post(_url(cworld, world.unit2.id), data={
        "version": "0", f"m{m1}-commitment": "Tổ chức 12 hội thi", f"m{m1}-indicator": "Hội thi",
        f"m{m1}-unit_of_measure": "hội thi", f"m{m1}-target_value": "1.200,5",
        f"m{m2}-commitment": "=cmd|' /C calc'!A0"})
    assert response.status_code == 302
    pledge = _pledge(in_app, cworld.campaign, world.unit2.id)
    assert pledge["state"] == "draft"
    assert pledge["items"][m1] == ("Tổ chức 12 hội thi", Decimal("1200.50"))


def test_bad_number_and_stale_version_are_refused(world, cworld, login, in_app):
    c = login("donvi2")
    m1 = cworld.movements[0]
    bad = c.post(_url(cworld, world.unit2.id), data={
        "version": "0", f"m{m1}-commitment": "A", f"m{m1}-target_value": "mười"})
    assert bad.status_code == 400
    assert "không phải là số" in bad.get_data(as_text=True)
    assert _pledge(in_app, cworld.campaign, world.unit2.id) is None
    assert c.post(_url(cworld, world.unit2.id), data={
        "version": "0", f"m{m1}-commitment": "B"}).status_code == 302
    stale = c.post(_url(cworld, world.unit2.id), data={"version": "0",
                                                       f"m{m1}-commitment": "C"})
    assert stale.status_code == 409
    assert _pledge(in_app, cworld.campaign, world.unit2.id)["items"][m1][0] == "B"


def test_other_units_pledge_is_out_of_reach(world, cworld, login, in_app):
    c = login("donvi2")
    url = _url(cworld, world.unit1.id)
    assert c.get(url).status_code == 404
    assert c.post(url, data={"version": "3", f"m{cworld.movements[0]}-commitment": "X"}
                  ).status_code == 404
    assert c.post(url + "/submit", data={"version": "3"}).status_code == 404
    assert c.get(f"/campaigns/{cworld.campaign}/units/{world.unit1.id}/reports/"
                 f"{cworld.period}").status_code == 404
    assert c.get(f"/reports/{cworld.report}/evidence/{cworld.evidence}").status_code == 404
    assert c.post(f"/reports/{cworld.report}/submit", data={"version": "1"}).status_code == 404
    assert login("donvi1").post(f"/pledges/{cworld.pledge}/approve",
                                data={"version": "1"}).status_code == 403
    assert _pledge(in_app, cworld.campaign, world.unit1.id)["items"][cworld.movements[0]][0] \
        == "Hoàn thành 10 sáng kiến"


def test_submit_return_fix_resubmit_approve_with_history(world, cworld, login, in_app):
    officer, organiser = login("donvi2"), login("tochuc")
    m1 = cworld.movements[0]
    officer.post(_url(cworld, world.unit2.id), data={"version": "0", f"m{m1}-commitment": "A"})
    version = _pledge(in_app, cworld.campaign, world.unit2.id)["version"]
    assert officer.post(_url(cworld, world.unit2.id) + "/submit",
                        data={"version": str(version)}).status_code == 302
    pledge = _pledge(in_app, cworld.campaign, world.unit2.id)
    # a submitted pledge is read-only for the unit
    assert officer.post(_url(cworld, world.unit2.id), data={
        "version": str(pledge["version"]), f"m{m1}-commitment": "Sửa"}).status_code == 409
    no_reason = organiser.post(f"/pledges/{pledge['id']}/return",
                               data={"version": str(pledge["version"]), "reason": ""})
    assert no_reason.status_code == 400
    assert organiser.post(f"/pledges/{pledge['id']}/return", data={
        "version": str(pledge["version"]), "reason": "Thiếu chỉ tiêu đo được"}).status_code == 302
    pledge = _pledge(in_app, cworld.campaign, world.unit2.id)
    assert pledge["state"] == "returned"
    page = officer.get(_url(cworld, world.unit2.id)).get_data(as_text=True)
    assert "Thiếu chỉ tiêu đo được" in page
    officer.post(_url(cworld, world.unit2.id), data={
        "version": str(pledge["version"]), f"m{m1}-commitment": "A",
        f"m{m1}-indicator": "Sáng kiến", f"m{m1}-target_value": "3"})
    version = _pledge(in_app, cworld.campaign, world.unit2.id)["version"]
    officer.post(_url(cworld, world.unit2.id) + "/submit", data={"version": str(version)})
    version = _pledge(in_app, cworld.campaign, world.unit2.id)["version"]
    assert organiser.post(f"/pledges/{pledge['id']}/approve",
                          data={"version": str(version)}).status_code == 302
    steps = _pledge(in_app, cworld.campaign, world.unit2.id)["steps"]
    assert [(a, b) for a, b, _ in steps] == [("draft", "submitted"), ("submitted", "returned"),
                                            ("returned", "submitted"),
                                            ("submitted", "approved")]


def test_deadline_blocks_submission_until_an_extension(world, cworld, ctx):
    campaign = db.session.get(Campaign, cworld.campaign)
    unit2 = db.session.get(Unit, world.unit2.id)
    pledge = ps.save_pledge(SYSTEM, campaign, unit2, 0, {cworld.movements[0]: {
        "commitment": "A"}})
    late = date(2100, 1, 2)
    with pytest.raises(InvalidState):
        ps.submit(SYSTEM, pledge, pledge.version, late)
    assert pledge.state == "draft"
    ps.grant_extension(SYSTEM, campaign, unit2, date(2100, 1, 10))
    ps.submit(SYSTEM, pledge, pledge.version, late)
    assert pledge.state == "submitted"
    with pytest.raises(InvalidState):
        other = ps.save_pledge(SYSTEM, campaign, db.session.get(Unit, world.unit1.id),
                               db.session.get(Pledge, cworld.pledge).version, {})
        ps.submit(SYSTEM, other, other.version, late)


def test_empty_pledge_cannot_be_submitted(world, cworld, ctx):
    campaign = db.session.get(Campaign, cworld.campaign)
    pledge = ps.save_pledge(SYSTEM, campaign, db.session.get(Unit, world.unit2.id), 0,
                            {cworld.movements[0]: {"commitment": "", "indicator": ""}})
    with pytest.raises(InvalidState):
        ps.submit(SYSTEM, pledge, pledge.version, date(2026, 1, 10))


def test_bulk_approve_previews_exactly_what_it_touches(world, cworld, login, in_app):
    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        pledge = ps.save_pledge(SYSTEM, campaign, db.session.get(Unit, world.unit2.id), 0,
                                {cworld.movements[0]: {"commitment": "A"}})
        ps.submit(SYSTEM, pledge, pledge.version, date(2026, 1, 10))
        submitted_id = pledge.id
    c = login("tochuc")
    url = f"/campaigns/{cworld.campaign}/pledges/bulk-approve"
    chosen = {"pledge": [str(submitted_id), str(cworld.pledge)]}  # the second is approved
    preview = c.post(url, data=chosen)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert html.count('name="pledge"') == 1 and "CS-2" in html
    assert _pledge(in_app, cworld.campaign, world.unit2.id)["state"] == "submitted"
    assert c.post(url, data={**chosen, "confirm": "1"}).status_code == 302
    assert _pledge(in_app, cworld.campaign, world.unit2.id)["state"] == "approved"
    assert c.post(url, data={"pledge": []}).status_code == 400


def test_overview_filters_by_state(world, cworld, login):
    c = login("tochuc")
    approved = c.get(f"/campaigns/{cworld.campaign}/pledges?state=approved").get_data(
        as_text=True)
    assert "CS-1" in approved and "CS-2" not in approved
    none = c.get(f"/campaigns/{cworld.campaign}/pledges?state=none").get_data(as_text=True)
    assert "CS-2" in none and "CS-1" not in none


def test_title_registrations_only_for_own_people(world, cworld, login, in_app):
    with in_app():
        mine = gen_person("P21", db.session.get(Unit, world.unit2.id), "Phạm Thị Mai").id
    c = login("donvi2")
    url = _url(cworld, world.unit2.id)
    c.post(url, data={"version": "0", f"m{cworld.movements[0]}-commitment": "A"})
    version = _pledge(in_app, cworld.campaign, world.unit2.id)["version"]
    foreign = c.post(url + "/titles", data={"version": str(version),
                                            "person-LDTT": [str(world.person1.id)]})
    assert foreign.status_code == 404  # as an id that does not exist
    ok = c.post(url + "/titles", data={"version": str(version), "unit_titles": ["TTLDXS"],
                                       "person-LDTT": [str(mine), str(world.person2.id)],
                                       "person-CSTDCS": [str(mine)]})
    assert ok.status_code == 302
    assert _pledge(in_app, cworld.campaign, world.unit2.id)["titles"] == sorted([
        ("TTLDXS", None), ("LDTT", mine), ("LDTT", world.person2.id), ("CSTDCS", mine)])


def test_report_flow_and_refusals(world, cworld, login, in_app):
    c = login("donvi1")
    url = f"/campaigns/{cworld.campaign}/units/{world.unit1.id}/reports/{cworld.period}"
    with in_app() as session:
        report = session.get(Report, cworld.report)
        item_ids = [r.pledge_item_id for r in report.items]
        version = report.version
    bad = c.post(url, data={"version": str(version), f"i{item_ids[0]}-progress_pct": "120"})
    assert bad.status_code == 400
    ok = c.post(url, data={"version": str(version), "integration": "Đã lồng ghép",
                           "difficulties": "Thiếu kinh phí",
                           f"i{item_ids[0]}-achieved_value": "8",
                           f"i{item_ids[0]}-narrative": "Đã làm 8 sáng kiến"})
    assert ok.status_code == 302
    with in_app() as session:
        report = session.get(Report, cworld.report)
        assert report.items[0].achieved_value == Decimal("8.00")
        assert report.difficulties == "Thiếu kinh phí"
        version = report.version
    assert c.post(f"/reports/{cworld.report}/submit",
                  data={"version": str(version)}).status_code == 302
    assert c.post(url, data={"version": str(version + 1)}).status_code == 409
    organiser = login("tochuc")
    assert organiser.post(f"/reports/{cworld.report}/reopen",
                          data={"version": str(version + 1), "reason": ""}).status_code == 400
    assert organiser.post(f"/reports/{cworld.report}/reopen", data={
        "version": str(version + 1), "reason": "Bổ sung minh chứng"}).status_code == 302


def test_report_needs_an_approved_pledge(world, cworld, ctx):
    campaign = db.session.get(Campaign, cworld.campaign)
    unit2 = db.session.get(Unit, world.unit2.id)
    ps.save_pledge(SYSTEM, campaign, unit2, 0, {cworld.movements[0]: {"commitment": "A"}})
    with pytest.raises(InvalidState):
        pledge_reports.save_report(SYSTEM, campaign, unit2, campaign.periods[0], 0, {}, {})


def test_evidence_is_checked_and_served_as_attachment(world, cworld, login, app):
    c = login("donvi1")
    url = f"/reports/{cworld.report}/items/{cworld.report_item}/evidence"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "x")
        z.writestr("word/big.xml", b"0" * (210 * 1024 * 1024))
    for data, name in ((b"<svg onload=alert(1)>", "anh.png"), (b"<html>", "../../etc/passwd"),
                       (bomb.getvalue(), "bom.docx"), (b"MZ", "x.pdf.exe")):
        response = c.post(url, data={"file": (io.BytesIO(data), name)},
                          content_type="multipart/form-data")
        assert response.status_code == 400, name
    good = c.post(url, data={"file": (io.BytesIO(b"\x89PNG\r\n\x1a\nrest"), "ảnh hội thi.png")},
                  content_type="multipart/form-data")
    assert good.status_code == 302
    download = login("tochuc").get(f"/reports/{cworld.report}/evidence/{cworld.evidence}")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_exports_have_headers_rows_and_safe_text(world, cworld, login, in_app):
    c = login("donvi2")
    c.post(_url(cworld, world.unit2.id), data={
        "version": "0", f"m{cworld.movements[0]}-commitment": "=cmd|' /C calc'!A0"})
    organiser = login("tochuc")
    pledges = organiser.get(f"/campaigns/{cworld.campaign}/export/pledges.xlsx")
    assert pledges.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(pledges.data))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][:4] == ["Mã đơn vị", "Tên đơn vị", "Trạng thái đăng ký",
                                               "Nội dung số"]
    assert sheet.max_row == 1 + 2 * 2  # two units × two movements
    assert sheet.auto_filter.ref and sheet.freeze_panes == "A2"
    formula_cells = [row[5] for row in sheet.iter_rows(min_row=2) if row[5].value and
                     str(row[5].value).startswith("=")]
    assert len(formula_cells) == 1 and formula_cells[0].data_type == "s"
    target = [row[8].value for row in sheet.iter_rows(min_row=2) if row[0].value == "CS-1"][0]
    assert target == 10
    assert book.worksheets[1].max_row == 1
    results = organiser.get(f"/campaigns/{cworld.campaign}/export/results.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(results.data)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2  # CS-1's two items for the one period
    assert rows[0][8] == 5 and rows[0][10] == 50


def test_dashboard_query_count_does_not_grow(world, cworld, login, in_app, queries):
    c = login("tochuc")
    with queries() as small:
        page = c.get(f"/campaigns/{cworld.campaign}/dashboard")
    assert page.status_code == 200 and "Đơn vị bảng" not in page.get_data(as_text=True)
    with in_app():
        from emulation.campaigns import services as cs
        from tests.factories import gen_unit

        campaign = db.session.get(Campaign, cworld.campaign)
        parent = db.session.get(Unit, world.branch_b.id)
        new_units = [gen_unit(f"DB-{i}", f"Đơn vị bảng {i}", parent) for i in range(12)]
        cs.set_participants(SYSTEM, campaign, "list",
                            [world.unit1.id, world.unit2.id, *[u.id for u in new_units]])
        for unit in new_units[:6]:
            pledge = ps.save_pledge(SYSTEM, campaign, unit, 0, {cworld.movements[0]: {
                "commitment": "A", "target_value": "4"}})
            ps.submit(SYSTEM, pledge, pledge.version, date(2026, 1, 10))
            ps.approve(SYSTEM, pledge, pledge.version)
            pledge_reports.save_report(SYSTEM, campaign, unit, campaign.periods[0], 0, {},
                           {pledge.items[0].id: {"achieved_value": "2"}})
    with queries() as large:
        page = c.get(f"/campaigns/{cworld.campaign}/dashboard")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Đơn vị bảng 5" in html
    assert re.search(r">50%<", html)  # 2 achieved of 4 targeted
    # one of them the navigation's task count; three read the stored progress (per period,
    # per movement, the units of lowest progress with their count)
    assert len(large) == len(small) <= 18


def test_unit_dashboard_shows_its_progress(world, cworld, login):
    page = login("donvi1").get(f"/campaigns/{cworld.campaign}/units/{world.unit1.id}/pledge")
    html = page.get_data(as_text=True)
    assert "Tiến độ của đơn vị" in html
    assert ">50%<" in html  # 5 achieved of a target of 10; the other item has no data


def test_overview_is_paginated(world, cworld, login, monkeypatch):
    from emulation.pledges import views

    monkeypatch.setattr(views, "OVERVIEW_PER_PAGE", 1)
    c = login("tochuc")
    first = c.get(f"/campaigns/{cworld.campaign}/pledges").get_data(as_text=True)
    second = c.get(f"/campaigns/{cworld.campaign}/pledges?page=2").get_data(as_text=True)
    assert "CS-1" in first and "CS-2" not in first
    assert "CS-2" in second and "CS-1" not in second
    assert "page=2" in first  # the pager links to the next page
