"""No silent loss in exports (issue 18): every write past one of Excel's limits is checked
(rows continue on numbered sheets, a too-wide row raises, a too-long cell is cut with a
visible marker, sheet names stay within 31 characters), a real 1,100,000-row list arrives
whole over two sheets, the largest lists come as CSV with the same rows, and the scores
workbook of a frozen ranking is built once at the freeze and served from its kept file."""
from __future__ import annotations

import csv
import io
import os
from datetime import date, datetime, timezone
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from emulation.core import xlsx
from emulation.core.csvbook import CsvBook, dialect_for
from emulation.extensions import db


def _book(data, read_only: bool = False):
    return openpyxl.load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data,
                                  read_only=read_only)


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with its byte-order mark, for Excel
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8")), delimiter=";"))


# --- the spreadsheet helper at Excel's limits ---------------------------------------------------

def test_a_list_longer_than_a_sheet_continues_on_sheets_named_in_sequence(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 4)  # a header and three rows a sheet
    wb = xlsx.Workbook()
    long = wb.sheet("Điểm chi tiết của Cụm thi đua các doanh nghiệp nhà nước")
    long.header(["Số"])
    for n in range(10):
        long.append([n])
    book = _book(wb.close()[0].read())
    names = book.sheetnames
    assert len(names) == 4 and all(len(name) <= 31 for name in names)
    assert [n.rsplit(" ", 1)[-1] for n in names[1:]] == ["(2)", "(3)", "(4)"]
    assert [v for ws in book.worksheets for (v,) in ws.iter_rows(min_row=2, values_only=True)
            ] == list(range(10))
    assert all(ws["A1"].value == "Số" for ws in book.worksheets)  # each with its header


def test_a_cell_longer_than_excel_holds_is_cut_visibly():
    text = "Thành tích " + "x" * 40_000
    cut = xlsx.cut_text(text)
    assert len(cut) == xlsx.MAX_TEXT and cut.endswith(f"…[+{len(text) - cut.index('…')}]")
    assert xlsx.cut_text("ngắn") == "ngắn"
    wb = xlsx.Workbook()
    sheet = wb.sheet("Dài")
    sheet.header(["Nội dung"])
    sheet.append([text])
    value = _book(wb.close()[0].read()).active["A2"].value
    assert value == cut and value.startswith("Thành tích xxx")


def test_a_header_or_row_wider_than_excel_raises():
    with pytest.raises(xlsx.ExcelLimitError):
        xlsx.Workbook().sheet("Rộng").header([f"C{n}" for n in range(16_385)])
    with pytest.raises(xlsx.ExcelLimitError):
        xlsx.Workbook().sheet("Rộng").append([1] * 16_385)


def test_every_write_is_checked(monkeypatch):
    """A cell xlsxwriter refuses (its -1) raises, whatever the kind of value."""
    wb = xlsx.Workbook()
    sheet = wb.sheet("Từ chối")
    sheet.header(["a", "b"])
    refuse = lambda *args, **kwargs: -1  # noqa: E731
    for method in ("write_string", "write_number", "write_datetime", "write_blank",
                   "write_boolean"):
        monkeypatch.setattr(sheet.sheet, method, refuse)
    for value in ("chữ", 1, Decimal("1.5"), date(2026, 1, 1), None, True):
        with pytest.raises(xlsx.ExcelLimitError):
            sheet.append([value])


@pytest.mark.skipif(any(os.environ.get(name, "").startswith("postgres")
                        for name in ("DATABASE_URL", "TEST_DATABASE_URL")),
                    reason="no database in it: run once, on the SQLite pass")
def test_a_real_list_of_1_100_000_rows_arrives_whole_over_two_sheets():
    """Excel's real limit, no patch: 1,100,000 rows → 1,048,575 + 51,425 (one column, so
    it stays near 30 s on a loaded 2-core machine)."""
    total = 1_100_000
    wb = xlsx.Workbook()
    sheet = wb.sheet("Điểm")
    sheet.header(["Số"])
    for n in range(total):
        sheet.append([n])
    book = _book(wb.close()[0], read_only=True)
    assert book.sheetnames == ["Điểm", "Điểm (2)"]
    counts, seen, last = [], 0, -1
    for ws in book.worksheets:
        rows = ws.iter_rows(values_only=True)
        assert next(rows) == ("Số",)
        count = 0
        for (value,) in rows:
            assert value == last + 1  # in order, none missing, none twice
            last, count = value, count + 1
        counts.append(count)
        seen += count
    assert counts == [xlsx.MAX_ROWS - 1, total - (xlsx.MAX_ROWS - 1)] and seen == total


# --- CSV -----------------------------------------------------------------------------------------

def test_csv_has_the_rows_and_guards_of_the_spreadsheet():
    book = CsvBook(locale="vi")
    sheet = book.sheet("Danh sách")
    sheet.header(["Tên", "Điểm", "Tiền", "Ngày", "Lúc", "Ghi chú"], money=[2])
    sheet.append(["Nguyễn Thị Hương", Decimal("9.50"), 1_500_000, date(2026, 3, 8),
                  datetime(2026, 3, 8, 1, 30, tzinfo=timezone.utc), "=HYPERLINK(\"x\")"])
    sheet.append(["Đơn vị; có dấu chấm phẩy", 0.25, None, None, None, "x" * 40_000])
    book.sheet("Cụm 1").append(["không vào CSV"])  # a later sheet: counted, not written
    file, size = book.close()
    data = file.read()
    assert len(data) == size
    rows = _csv(data)
    assert rows[0] == ["Tên", "Điểm", "Tiền", "Ngày", "Lúc", "Ghi chú"]
    assert rows[1] == ["Nguyễn Thị Hương", "9,5", "1500000", "08/03/2026", "08/03/2026 08:30",
                       "'=HYPERLINK(\"x\")"]
    assert rows[2][:3] == ["Đơn vị; có dấu chấm phẩy", "0,25", ""]
    assert len(rows[2][5]) == 40_000  # CSV has no cell limit: whole
    assert len(rows) == 3 and book.rows == 3 and book.skipped_rows == 1


def test_csv_separators_follow_the_readers_language():
    assert (dialect_for("vi").delimiter, dialect_for("vi").decimal) == (";", ",")
    assert (dialect_for("en").delimiter, dialect_for("en").decimal) == (",", ".")
    english = CsvBook(locale="en")
    english.sheet("List").append(["a,b", 2.5])
    assert english.close()[0].read() == b'\xef\xbb\xbf"a,b",2.5\r\n'


CSV_EXPORTS = {  # the largest lists: their CSV address and their spreadsheet's
    "people": "/people/export", "honours": "/honours/export", "audit": "/admin/audit/export",
    "records": "/records/export/awards"}


@pytest.mark.parametrize("kind", sorted(CSV_EXPORTS))
def test_each_large_list_comes_as_csv_with_its_spreadsheets_rows(kind, world, login, in_app):
    from tests.test_exports import _records

    if kind in ("records", "honours"):
        _records(in_app, world)
    client = login("admin")
    sheet = _book(client.get(CSV_EXPORTS[kind] + ".xlsx").data).worksheets[0]
    response = client.get(CSV_EXPORTS[kind] + ".csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    # one charset parameter (it was "text/csv; charset=utf-8; charset=utf-8")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].endswith('.csv"')
    rows = _csv(response.data)
    assert len(rows) == sheet.max_row >= 2  # the header and every row of the spreadsheet
    assert rows[0] == [str(cell.value or "") for cell in sheet[1]]
    for cells, fields in zip(sheet.iter_rows(min_row=2, values_only=True), rows[1:],
                             strict=True):
        assert len(fields) == len(cells)
        for value, field in zip(cells, fields, strict=True):  # text as in the spreadsheet
            if isinstance(value, str):
                assert field == ("'" + value if value.startswith(("=", "+", "-", "@"))
                                 else value)
            elif value is None:
                assert field == ""


def test_a_large_csv_export_is_a_job_and_keeps_a_csv_file(world, login, app):
    app.config["EXPORT_JOB_ROWS"] = 0
    try:
        response = login("admin").get("/people/export.csv")
        assert response.status_code == 302 and "/jobs/" in response.location
        token = response.location.rstrip("/").rsplit("/", 1)[-1]
        download = login("admin").get(f"/jobs/{token}/file")
    finally:
        app.config["EXPORT_JOB_ROWS"] = 5000
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"  # a job's file too
    assert download.headers["Content-Disposition"].endswith('ca-nhan.csv')
    assert len(_csv(download.data)) >= 2


# --- scores.xlsx of a frozen ranking ------------------------------------------------------------

def _freeze(cworld, in_app, username: str = "tochuc"):
    from emulation.auth.models import User
    from emulation.campaigns.models import Campaign
    from emulation.scoring import services as sc

    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        settings = sc.settings_for(campaign)
        db.session.commit()
        user = db.session.scalar(select(User).where(User.username == username))
        sc.freeze(user, campaign, settings.version, date(2026, 12, 31))


def test_the_frozen_rankings_scores_are_built_once_and_served_from_their_file(
        world, cworld, login, in_app, monkeypatch):
    from emulation.jobs.models import Job
    from emulation.scoring import exports
    from emulation.scoring.models import ScoringSettings

    organiser = login("tochuc")
    hub = organiser.get(f"/campaigns/{cworld.campaign}/scoring").get_data(as_text=True)
    assert "được lập khi chốt" in hub  # before the freeze: made on request, and said so
    _freeze(cworld, in_app)
    with in_app():
        job_id = db.session.scalar(select(ScoringSettings.scores_job_id))
        job = db.session.get(Job, job_id)
        assert job.kind == "scores_frozen" and job.state == "done"
        assert job.expires_at.year > 2100  # kept while the ranking stays frozen
    built = []
    monkeypatch.setattr(exports, "scores_workbook", lambda *a, **k: built.append(1))
    first = organiser.get(f"/campaigns/{cworld.campaign}/export/scores.xlsx")
    second = login("admin").get(f"/campaigns/{cworld.campaign}/export/scores.xlsx")
    assert first.status_code == second.status_code == 200 and built == []
    assert first.data == second.data and _book(first.data).sheetnames[0] == "Điểm chi tiết"
    hub = organiser.get(f"/campaigns/{cworld.campaign}/scoring").get_data(as_text=True)
    assert "đã được lập lúc" in hub


def test_the_frozen_scores_shared_by_every_organiser_are_in_the_default_language(
        world, cworld, login, in_app):
    """The workbook kept at the freeze is one file for every organiser: written in the
    application's language (Vietnamese), not in the language of whoever froze the ranking
    (an English-speaking organiser's freeze gave Vietnamese readers a "Score lines" sheet)."""
    from emulation.auth.models import User

    with in_app():
        db.session.scalar(select(User).where(User.username == "tochuc")).locale = "en"
        db.session.commit()
    _freeze(cworld, in_app)
    served = login("admin").get(f"/campaigns/{cworld.campaign}/export/scores.xlsx")
    assert served.status_code == 200 and _book(served.data).sheetnames[0] == "Điểm chi tiết"


def test_the_hub_shows_the_builds_progress_and_a_lost_build_is_started_again(
        world, cworld, login, in_app, app):
    from emulation.jobs import services as jobs
    from emulation.jobs.models import Job
    from emulation.scoring.models import ScoringSettings

    _freeze(cworld, in_app)
    with in_app():
        job_id = db.session.scalar(select(ScoringSettings.scores_job_id))
        job = db.session.get(Job, job_id)
        job.state, job.rows_done, job.rows_total = "running", 120, 480
        db.session.commit()
    organiser = login("tochuc")
    hub = organiser.get(f"/campaigns/{cworld.campaign}/scoring").get_data(as_text=True)
    assert "đang được lập: 120 trên 480 dòng" in hub and "<progress" in hub
    response = organiser.get(f"/campaigns/{cworld.campaign}/export/scores.xlsx")
    assert response.status_code == 302  # not ready: back to the hub, which says so
    with in_app():
        jobs._move(db.session.get(Job, job_id), "failed", error="lost")
        db.session.commit()
    organiser.get(f"/campaigns/{cworld.campaign}/export/scores.xlsx")  # builds it again
    with in_app():
        again = db.session.scalar(select(ScoringSettings.scores_job_id))
        assert again != job_id and db.session.get(Job, again).state == "done"
    assert organiser.get(f"/campaigns/{cworld.campaign}/export/scores.xlsx").status_code == 200


def test_reopening_the_ranking_deletes_its_scores_file(world, cworld, login, in_app):
    from emulation.campaigns.models import Campaign
    from emulation.jobs import services as jobs
    from emulation.jobs.models import Job
    from emulation.scoring import services as sc
    from emulation.scoring.models import ScoringSettings

    _freeze(cworld, in_app)
    with in_app():
        job = db.session.get(Job, db.session.scalar(select(ScoringSettings.scores_job_id)))
        path = jobs.folder() / job.file_path
        assert path.is_file()
        campaign = db.session.get(Campaign, cworld.campaign)
        from emulation.core.permissions import SYSTEM
        sc.unfreeze(SYSTEM, campaign, sc.settings_for(campaign).version, "Chấm lại")
        assert not path.is_file() and db.session.get(Job, job.id).state == "expired"
        assert db.session.scalar(select(ScoringSettings.scores_job_id)) is None
        assert db.session.scalar(select(func.count(Job.id)).where(
            Job.kind == "scores_frozen", Job.state == "done")) == 0
