"""Every list out (issue 15): the one spreadsheet helper (frozen, filtered header on every
sheet; readable sheet names; money, dates and numbers as typed cells; nothing dropped at
Excel's limits), the campaigns, audit log, catalogue and records exports with their scope,
and the import format equal to the export format (each export re-imports unchanged)."""
from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime, timezone

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from emulation.awards.catalogue.data import seed
from emulation.awards.records.models import Appraisal, AwardRecord, Discipline, Initiative
from emulation.core import xlsx
from emulation.core.audit import AuditEvent
from emulation.org.models import Person, Unit
from tests.test_access_matrix import MATRIX, probe_ids

EXPORTS = sorted(endpoint for endpoint, (method, url, _who) in MATRIX.items()
                 if method == "GET" and ".xlsx" in url)


def _book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def _rows(sheet, first: int = 2) -> list[tuple]:
    return list(sheet.iter_rows(min_row=first, values_only=True))


def _written(wb: xlsx.Workbook):
    file, _size = wb.close()
    return _book(file.read())


# --- the helper --------------------------------------------------------------------------------

def test_sheet_names_keep_their_letters_and_the_end_that_tells_them_apart():
    wb = xlsx.Workbook()
    names = [wb.sheet(n).sheets[0].name for n in (
        "Cụm thi đua Công đoàn Tổng công ty Thuốc lá Việt Nam",
        "Cụm thi đua Công đoàn Tổng công ty Thép Việt Nam",
        "Cụm thi đua các doanh nghiệp nhà nước số 2",
        "Cụm thi đua các doanh nghiệp nhà nước số 3",
        "Kết quả: [quý 1/2026]*?", "Điểm chi tiết", "ĐIỂM CHI TIẾT", "'History'",
        unicodedata.normalize("NFD", "Khối công đoàn"))]
    assert names == ["Cụm…công ty Thuốc lá Việt Nam", "Cụm…Tổng công ty Thép Việt Nam",
                     "Cụm…doanh nghiệp nhà nước số 2", "Cụm…doanh nghiệp nhà nước số 3",
                     "Kết quả quý 1 2026", "Điểm chi tiết", "ĐIỂM CHI TIẾT (2)",
                     "History (2)", "Khối công đoàn"]
    assert all(len(n) <= 31 and unicodedata.is_normalized("NFC", n) for n in names)
    book = _written(wb)  # Excel's rules hold: the file opens with these names
    assert book.sheetnames == names


def test_cells_are_typed_money_formatted_and_never_formulas():
    wb = xlsx.Workbook()
    sheet = wb.sheet("Danh sách")
    sheet.header(["Số", "Ngày", "Lúc", "Tiền thưởng (đồng)", "Ghi chú", "Có"], money=[3])
    at = datetime(2026, 3, 1, 17, 30, tzinfo=timezone.utc)
    sheet.append([1, date(2026, 3, 2), at, 1_490_000, "=SUM(A1)", True])
    sheet.append([2.5, None, None, None, "x" * 40_000, False])
    sheet.footer(["Tổng cộng", "", "", 1_490_000, "", ""])
    ws = _written(wb).active
    number, day, moment, cash, note, flag = ws[2]
    assert number.value == 1 and number.data_type == "n"
    assert day.is_date and day.value == datetime(2026, 3, 2)
    assert moment.value == datetime(2026, 3, 2, 0, 30)  # 17:30 UTC is 00:30 in Vietnam
    assert cash.value == 1_490_000 and cash.number_format == "#,##0"
    assert note.value == "=SUM(A1)" and note.data_type == "s" and note.quotePrefix
    assert flag.value is True
    assert len(ws["E3"].value) == xlsx.MAX_TEXT and ws["E3"].value.endswith("…[+7241]")
    assert ws["D4"].value == 1_490_000 and ws["D4"].number_format == "#,##0"
    # the total stays below the filter: sorting or filtering never moves it
    assert ws.auto_filter.ref == "A1:F3" and ws.freeze_panes == "A2"


def test_a_full_sheet_continues_on_a_new_one(monkeypatch):
    """Issue 18: rows past Excel's limit were silently not in the file."""
    monkeypatch.setattr(xlsx, "MAX_ROWS", 4)  # a header and three rows a sheet
    wb = xlsx.Workbook()
    sheet = wb.sheet("Điểm chi tiết")
    sheet.header(["Số", "Tiền (đồng)"], money=[1])
    for n in range(1, 9):
        sheet.append([n, n * 1000])
    sheet.footer(["Tổng", 36_000])
    book = _written(wb)
    assert book.sheetnames == ["Điểm chi tiết", "Điểm chi tiết (2)", "Điểm chi tiết (3)"]
    numbers = [row[0] for ws in book.worksheets for row in _rows(ws)]
    assert numbers == [1, 2, 3, 4, 5, 6, 7, 8, "Tổng"] and wb.rows == 8
    for ws in book.worksheets:
        assert [c.value for c in ws[1]] == ["Số", "Tiền (đồng)"]
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:B")
    assert book.worksheets[2].auto_filter.ref == "A1:B3"  # rows 7 and 8; the total below


def test_a_cell_excel_cannot_hold_raises_instead_of_vanishing():
    sheet = xlsx.Workbook().sheet("Rộng")
    with pytest.raises(xlsx.ExcelLimitError):
        sheet.append([1] * 16_385)  # one column past Excel's 16,384


def test_the_scores_export_continues_past_the_row_limit(world, cworld, login, in_app,
                                                       monkeypatch):
    from emulation.campaigns.models import Campaign
    from emulation.core.permissions import SYSTEM
    from emulation.scoring import services as sc
    from emulation.scoring.models import Score, ScoreSheet

    with in_app() as session:
        campaign = session.get(Campaign, cworld.campaign)
        sc.generate_peer_assignments(SYSTEM, campaign, "all")
        for sheet in session.scalars(select(ScoreSheet)).all():
            sc.save_sheet(SYSTEM, sheet, sheet.version,
                          {c.id: ("5", "") for c in campaign.criteria}, date(2026, 11, 20))
        lines = session.scalar(select(func.count(Score.id)))
    monkeypatch.setattr(xlsx, "MAX_ROWS", 2)  # one score line a sheet
    book = _book(login("tochuc").get(f"/campaigns/{cworld.campaign}/export/scores.xlsx").data)
    parts = [ws for ws in book.worksheets if ws.title.startswith("Điểm chi tiết")]
    assert [ws.title for ws in parts][:2] == ["Điểm chi tiết", "Điểm chi tiết (2)"]
    assert sum(ws.max_row - 1 for ws in parts) == lines >= 3  # every score line is there


# --- every export ------------------------------------------------------------------------------

@pytest.mark.parametrize("endpoint", EXPORTS)
def test_every_sheet_of_every_export_is_frozen_filtered_and_named_in_vietnamese(
        endpoint, world, cworld, login, in_app):
    with in_app():
        ids = probe_ids(world, cworld)
    response = login("admin").get(MATRIX[endpoint][1].format(**ids))
    assert response.status_code == 200, endpoint
    book = _book(response.data)
    for ws in book.worksheets:
        header = [c.value for c in ws[1]]
        assert header and all(isinstance(v, str) and v for v in header), ws.title
        assert ws.freeze_panes == "A2", ws.title
        first, last = ws.auto_filter.ref.split(":")
        assert first == "A1" and last.rstrip("0123456789") == get_column_letter(len(header))
        # readable with its accents, as Excel allows
        assert not ws.title.isascii() and len(ws.title) <= 31, ws.title
        assert unicodedata.is_normalized("NFC", ws.title)
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)


# --- the audit log -----------------------------------------------------------------------------

def test_the_audit_export_is_filtered_exactly_as_the_page(world, login, in_app):
    login("admin").post("/logout")
    login("tochuc")
    c = login("admin")
    url = "?actor=admin&action=auth.&from=2000-01-01&object_id=x"
    page = c.get(f"/admin/audit/{url}").get_data(as_text=True)
    book = _book(c.get(f"/admin/audit/export.xlsx{url}").data)
    ws = book.active
    rows = _rows(ws)
    with in_app() as session:
        expected = session.scalars(select(AuditEvent).where(
            AuditEvent.actor_name == "admin", AuditEvent.action.startswith("auth."))
            .order_by(AuditEvent.id.desc())).all()
        assert len(expected) >= 2 and session.scalar(select(func.count(AuditEvent.id))) > \
            len(expected)
    shown = {"auth.login": "Đăng nhập", "auth.logout": "Đăng xuất"}  # the actions' labels
    assert [r[2] for r in rows] == [shown[e.action] for e in expected]
    assert all(r[1] == "Admin" for r in rows)  # the account's full name, not its username
    assert page.count('<td title="auth.') == len(rows)  # the page lists the same events
    when = ws["A2"]
    local = expected[0].created_at.astimezone(xlsx.LOCAL_TZ).replace(tzinfo=None)
    assert when.is_date and abs((when.value - local).total_seconds()) < 1  # Vietnam time
    assert ws.title == "Nhật ký hệ thống"


def test_the_audit_export_is_for_administrators_only(world, login):
    for name in ("tochuc", "donvi1", "xem"):
        assert login(name).get("/admin/audit/export.xlsx").status_code == 403


def test_a_large_audit_export_is_a_job_in_the_requesters_language(world, login, in_app, app):
    from emulation.auth.models import User

    with in_app() as session:
        session.scalar(select(User).where(User.username == "admin")).locale = "en"
        session.commit()
    app.config["EXPORT_JOB_ROWS"] = 0
    try:
        c = login("admin")
        response = c.get("/admin/audit/export.xlsx?actor=admin")
    finally:
        app.config["EXPORT_JOB_ROWS"] = 20000
    assert response.status_code == 302 and response.headers["Location"].startswith("/jobs/")
    data = c.get(response.headers["Location"] + "/file").data
    ws = _book(data).active
    assert ws.title == "Audit log" and ws["A1"].value == "When"
    assert {r[1] for r in _rows(ws)} == {"Admin"}


# --- campaigns and the catalogue ---------------------------------------------------------------

def test_the_campaigns_export_lists_what_the_user_sees(world, cworld, login, in_app):
    from emulation.extensions import db
    from tests.factories import gen_campaign

    with in_app():
        gen_campaign(db.session.get(Unit, world.top.id), title="Chuyên đề chưa công bố",
                     year=2027, publish=False)
    admin = _book(login("tochuc").get("/campaigns/export.xlsx").data)
    campaigns = admin.worksheets[0]
    titles = [r[1] for r in _rows(campaigns)]
    assert titles == ["Chuyên đề chưa công bố", "Thi đua yêu nước 2026"]
    first = campaigns[3]  # the published one: its years, dates and counts are typed
    assert first[3].value == 2026 and first[3].data_type == "n"
    assert first[9].is_date and first[9].value == datetime(2026, 1, 5)
    assert [c.value for c in first[16:19]] == [2, 2, 1]
    movements = _rows(admin.worksheets[1])
    assert [(r[2], r[3]) for r in movements if r[1] == "Thi đua yêu nước 2026"] == [
        (1, "Nội dung thi đua số 1"), (2, "Nội dung thi đua số 2")]
    assert admin.worksheets[2]["F2"].is_date
    # an officer of a taking-part unit: the draft is not theirs to see
    officer = _book(login("donvi1").get("/campaigns/export.xlsx").data)
    assert [r[1] for r in _rows(officer.worksheets[0])] == ["Thi đua yêu nước 2026"]
    filtered = _book(login("tochuc").get("/campaigns/export.xlsx?state=draft").data)
    assert [r[1] for r in _rows(filtered.worksheets[0])] == ["Chuyên đề chưa công bố"]


def test_the_catalogue_export_holds_types_rule_sets_rules_and_quotas(world, login, in_app):
    from emulation.awards.catalogue.models import AwardQuota, AwardRule, AwardType, RuleSet

    with in_app() as session:
        seed(session)
        session.commit()
        counts = [session.scalar(select(func.count(m.id)))
                  for m in (AwardType, RuleSet, AwardRule, AwardQuota)]
    book = _book(login("xem").get("/awards/export.xlsx").data)
    assert [ws.max_row - 1 for ws in book.worksheets] == counts and all(counts)
    types, sets, rules, quotas = book.worksheets
    ldtt = next(r for r in types.iter_rows(min_row=2) if r[0].value == "LDTT")
    assert ldtt[6].value == "Thủ trưởng cơ quan, đơn vị (cơ sở)"  # who decides it
    assert ldtt[7].value == 0.3 and ldtt[7].data_type == "n"
    assert all(r[13] for r in _rows(types))  # each award type with its legal reference
    assert any(c.is_date for c in sets["D"][1:])
    cstdcs = [r for r in _rows(rules) if r[4] == "CSTDCS"]
    assert cstdcs and all(r[10] for r in cstdcs)  # each rule with its legal reference
    assert {r[0] for r in cstdcs} <= {r[0] for r in _rows(sets)} | {None}
    assert any(r[0] == "CSTDCS" and r[2] == "LDTT" and r[4] == 15 for r in _rows(quotas))


# --- records: the import format is the export format -------------------------------------------

def _records(in_app, world):
    with in_app() as session:
        seed(session)
        session.add_all([
            Appraisal(person_id=world.person1.id, year=2025, level="excellent"),
            Appraisal(person_id=world.person2.id, year=2025, level="incomplete"),
            Appraisal(unit_id=world.unit1.id, year=2025, level="good"),
            Initiative(person_id=world.person1.id, year=2024, scope="ministry",
                       is_research=True, title="Quy trình =1+1", recognised_by="Bộ"),
            Initiative(person_id=world.person2.id, year=2025, scope="grassroots",
                       title="Cải tiến"),
            Discipline(person_id=world.person2.id, level="canh_cao",
                       starts_on=date(2023, 1, 1), ends_on=date(2023, 12, 31),
                       reason="Vi phạm"),
            Discipline(person_id=world.person1.id, level="khien_trach",
                       starts_on=date(2019, 1, 1), ends_on=date(2019, 6, 30)),
            AwardRecord(award_code="LDTT", person_id=world.person1.id, year=2024,
                        decision_number="12/QĐ", issuer="Công ty DAP", kind="thematic"),
            AwardRecord(award_code="TTLDXS", unit_id=world.unit1.id, year=2024),
            AwardRecord(award_code="CSTDCS", person_id=world.person2.id, year=2024,
                        revoked=True)])
        session.commit()


def _round_trip(app, username: str, kind: str, data: bytes):
    """Import `data` as `username` would: the one path of the web, the CLI and the API (read,
    then import all-or-nothing)."""
    from emulation.auth.models import User
    from emulation.extensions import db
    from emulation.jobs import imports

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        report = imports.run(user, kind, io.BytesIO(data), f"{kind}.xlsx", job_rows=10**9)
        assert not report.error, report.error
        db.session.remove()
    return report.table.rows, report.result


KIND_URLS = {"units": "/units/export.xlsx", "people": "/people/export.xlsx",
             **{k: f"/records/export/{k}.xlsx"
                for k in ("appraisals", "initiatives", "disciplines", "awards")}}


@pytest.mark.parametrize("kind", list(KIND_URLS))
def test_each_export_reimports_with_no_change(kind, world, login, in_app, app):
    from emulation.jobs import imports

    _records(in_app, world)
    data = login("admin").get(KIND_URLS[kind]).data
    ws = _book(data).active
    with app.app_context():
        columns = imports.kind_of(kind).columns
    assert [c.value for c in ws[1]] == [c.header for c in columns]  # the template's headers
    rows, result = _round_trip(app, "admin", kind, data)
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == len(rows) == ws.max_row - 1 >= 2


def test_records_exports_write_the_importers_words_and_typed_cells(world, login, in_app):
    _records(in_app, world)
    c = login("admin")
    appraisals = _rows(_book(c.get("/records/export/appraisals.xlsx").data).active)
    assert appraisals == [("P1", None, 2025, "Hoàn thành xuất sắc nhiệm vụ"),
                          ("P2", None, 2025, "Không hoàn thành nhiệm vụ"),
                          (None, "CS-1", 2025, "Hoàn thành tốt nhiệm vụ")]
    initiatives = _book(c.get("/records/export/initiatives.xlsx").data).active
    assert _rows(initiatives)[0] == ("P1", 2024, "Bộ, ngành, tỉnh", "Có", "Quy trình =1+1",
                                     "Bộ")
    disciplines = _book(c.get("/records/export/disciplines.xlsx").data).active
    assert _rows(disciplines) == [("P1", "Khiển trách", datetime(2019, 1, 1),
                                   datetime(2019, 6, 30), None),
                                  ("P2", "Cảnh cáo", datetime(2023, 1, 1),
                                   datetime(2023, 12, 31), "Vi phạm")]
    assert disciplines["C2"].is_date and disciplines["C2"].number_format == "dd/mm/yyyy"
    awards = _rows(_book(c.get("/records/export/awards.xlsx").data).active)
    assert awards == [("P1", None, "LDTT", 2024, "12/QĐ", "Công ty DAP", "Theo chuyên đề"),
                      (None, "CS-1", "TTLDXS", 2024, None, None, "Thường xuyên")]  # not revoked


def test_an_officer_exports_only_the_records_of_their_unit(world, login, in_app, app):
    _records(in_app, world)
    officer = login("donvi1")
    for kind in ("appraisals", "initiatives", "disciplines", "awards"):
        rows = _rows(_book(officer.get(f"/records/export/{kind}.xlsx").data).active)
        assert rows and {r[0] for r in rows} == {"P1"}, kind  # not P2 (CS-2), no unit rows
    rows, result = _round_trip(app, "donvi1", "appraisals",
                               officer.get("/records/export/appraisals.xlsx").data)
    assert result.ok and result.unchanged == len(rows) == 1
    assert login("xem").get("/records/export/appraisals.xlsx").status_code == 403
    assert login("admin").get("/records/export/other.xlsx").status_code == 404


def test_award_history_made_by_a_decision_reimports_unchanged(world, login, in_app, app):
    with in_app() as session:
        seed(session)
        session.add(AwardRecord(award_code="LDTT", person_id=world.person1.id, year=2026,
                                decision_number="1/QĐ", issuer="Công đoàn",
                                cash_amount=760_000, source="decision"))
        session.commit()
    _rows_, result = _round_trip(app, "admin", "awards",
                                 login("admin").get("/records/export/awards.xlsx").data)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)


def test_the_people_export_has_its_filter_and_dates_as_dates(world, login):
    ws = _book(login("admin").get("/people/export.xlsx").data).active
    assert ws.auto_filter.ref == "A1:G3" and ws.title == "Cá nhân"
    person1 = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "P1")
    assert person1[3].is_date and person1[3].value == datetime(1980, 5, 1)


def test_people_of_other_units_are_not_in_an_officers_people_export(world, login):
    rows = _rows(_book(login("donvi1").get("/people/export.xlsx").data).active)
    assert [r[0] for r in rows] == ["P1"]


def test_person_records_count_queries_do_not_see_other_units(world, in_app):
    """The counts a job shows equal the rows written, for a scoped user."""
    from emulation.auth.models import User
    from emulation.awards.records import exports

    _records(in_app, world)
    with in_app() as session:
        officer = session.scalar(select(User).where(User.username == "donvi1"))
        export = exports.records_subject(officer, {"kind": "appraisals"})
        assert exports.count_records(export) == 1
        assert exports.records_subject(officer, {"kind": "units"}) is None
        assert session.scalar(select(func.count(Person.id))) == 2


def test_each_list_page_links_its_export_with_the_filters_on_screen(world, login):
    admin = login("admin")
    audit = admin.get("/admin/audit/?actor=admin&from=2026-01-31&page=2").get_data(as_text=True)
    assert "/admin/audit/export.xlsx?actor=admin&amp;from=2026-01-31" in audit
    assert "page=2" not in audit.split("export.xlsx", 1)[1].split('"', 1)[0]
    campaigns = admin.get("/campaigns/?state=draft&year=2026").get_data(as_text=True)
    assert "/campaigns/export.xlsx?state=draft&amp;year=2026" in campaigns
    assert "/awards/export.xlsx" in login("xem").get("/awards/").get_data(as_text=True)
    people = login("donvi1").get("/people/").get_data(as_text=True)
    assert all(f"/records/export/{k}.xlsx" in people
               for k in ("appraisals", "initiatives", "disciplines", "awards"))
