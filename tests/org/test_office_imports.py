"""Imports of the spreadsheets offices actually keep (issue 15): the three office files, a stale
`<dimension>`, title blocks and footers, legacy fonts and Windows-1258, office vocabulary,
damaged files, and the upload → preview → confirm flow on the web, the CLI and the API."""
from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from emulation.core.audit import AuditEvent
from emulation.extensions import db
from emulation.org.models import Person, Unit
from tests.org.test_import import PEOPLE_HEADERS, confirm, preview, token_of, upload, xlsx

OFFICE = Path(__file__).parent / "office"


@pytest.fixture
def token(app, world):
    """`token("donvi1")` → headers with a new API token of that user."""
    from emulation.api.services import create_token
    from emulation.auth.models import User
    from emulation.core.permissions import SYSTEM

    def make(username):
        with app.app_context():
            user = db.session.scalar(select(User).where(User.username == username))
            _record, secret = create_token(SYSTEM, user, "test")
            db.session.remove()
            return {"Authorization": f"Bearer {secret}"}
    return make


@pytest.fixture
def dap(app, world):
    """The unit of the office files, CDCS-DAP, under CD-A."""
    from tests.factories import gen_unit

    with app.app_context():
        parent = db.session.get(Unit, world.branch_a.id)
        gen_unit("CDCS-DAP", "Công đoàn Công ty CP DAP - Vinachem", parent)
        db.session.remove()
    return "CDCS-DAP"


def people(in_app, *codes) -> dict[str, Person]:
    with in_app() as session:
        found = {p.code: p for p in session.scalars(select(Person).where(Person.code.in_(codes)))}
        session.expunge_all()
        return found


def text_of(response) -> str:
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def person_count(in_app) -> int:
    with in_app() as session:
        return session.scalar(select(func.count(Person.id)))


# --- the three office files ----------------------------------------------------------------------

def test_title_block_list_imports_its_three_people(dap, login, in_app):
    c = login("tochuc_a")
    data = (OFFICE / "people_title_block.xlsx").read_bytes()
    shown = preview(c, "/people/import", data, "people_title_block.xlsx")
    assert shown.status_code == 200
    page = text_of(shown)
    assert "DS doan vien" in page and "Dòng tiêu đề 6" in page  # sheet and header row found
    assert "Dòng 7: dòng đánh số cột" in page and "Dòng 12: khối chữ ký" in page
    assert person_count(in_app) == 2  # the preview wrote nothing
    done = confirm(c, "/people/import", token_of(shown))
    assert "tạo mới 3, cập nhật 0" in done.get_data(as_text=True)
    found = people(in_app, "BH-0701", "BH-0702", "BH-0703")
    assert [(p.full_name, p.gender, p.birth_date, p.birth_year, p.position)
            for p in (found["BH-0701"], found["BH-0702"], found["BH-0703"])] == [
        ("Phan Thị Thu Hà", "female", date(1985, 8, 15), 1985, "Kế toán"),
        ("Lương Văn Khải", "male", date(1979, 11, 2), 1979, "Tổ trưởng"),
        ("Tạ Minh Nguyệt", "female", date(1992, 3, 21), 1992, "Công nhân")]
    assert person_count(in_app) == 5  # no row for the footer or the numbering row


def test_tcvn3_list_is_stored_in_unicode_and_found_by_search(dap, login, in_app):
    c = login("tochuc_a")
    data = (OFFICE / "people_tcvn3.xlsx").read_bytes()
    shown = preview(c, "/people/import", data, "people_tcvn3.xlsx")
    page = text_of(shown)
    # the preview lists each converted cell: row, column, before → after
    assert "NguyÔn V¨n §øc" in page and "Nguyễn Văn Đức" in page and "phông TCVN3" in page
    assert confirm(c, "/people/import", token_of(shown)).status_code == 200
    found = people(in_app, "BH-1001", "BH-1002", "BH-1003")
    names = [found[code].full_name for code in ("BH-1001", "BH-1002", "BH-1003")]
    assert names == ["Nguyễn Văn Đức", "Trần Thị Hoà", "Lê Văn Hà"]
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    results = c.get("/people/?q=nguyen van duc").get_data(as_text=True)
    assert "BH-1001" in results


def test_ong_ba_list_with_birth_years_only(dap, login, in_app):
    c = login("tochuc_a")
    data = (OFFICE / "people_ong_ba_birth_year.xlsx").read_bytes()
    response = upload(c, "/people/import", data, "people_ong_ba_birth_year.xlsx")
    assert "tạo mới 2" in response.get_data(as_text=True)
    found = people(in_app, "BH-0901", "BH-0902")
    assert [(p.full_name, p.gender, p.birth_date, p.birth_year, p.position)
            for p in (found["BH-0901"], found["BH-0902"])] == [
        ("Hứa Thị Mận", "female", None, 1986, "Thủ quỹ"),
        ("Quách Văn Sơn", "male", None, 1979, "Bảo vệ")]
    page = c.get("/people/?q=hua thi man").get_data(as_text=True)
    assert "1986" in page  # the year is shown where the date would be


# --- the real extent -----------------------------------------------------------------------------

def _stale(data: bytes, ref: str = "A1:G3") -> bytes:
    """The workbook with its sheet's <dimension> patched to declare `ref` only."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            content = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(rb'<dimension ref="[^"]+"/>',
                                         f'<dimension ref="{ref}"/>'.encode(), content)
                assert count == 1
            zout.writestr(item, content)
    return out.getvalue()


def test_a_stale_dimension_never_drops_rows(dap, login, in_app, runner, tmp_path):
    rows = [[f"S-{n:02}", f"Người Thứ {n}", "Nam", "01/02/1990", "Công nhân", "CDCS-DAP", ""]
            for n in range(1, 13)]
    data = _stale(xlsx(PEOPLE_HEADERS, rows))
    # what openpyxl's read-only mode sees when the declared size is trusted
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    assert len(list(sheet.iter_rows(values_only=True))) == 3
    shown = preview(login("tochuc_a"), "/people/import", data, "stale.xlsx")
    assert 'data-rows="12"' in shown.get_data(as_text=True)
    assert "chỉ khai báo 3 dòng" in text_of(shown)
    path = tmp_path / "stale.xlsx"
    path.write_bytes(data)
    result = runner.invoke(args=["import", "people", str(path)])
    assert result.exit_code == 0, result.output
    assert "data rows: 12" in result.output and "created: 12" in result.output
    assert len(people(in_app, *(r[0] for r in rows))) == 12


# --- the header ----------------------------------------------------------------------------------

def _workbook(sheets: dict[str, list[list]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_no_header_row_is_said_so_not_missing_columns(world, login):
    data = _workbook({"Sheet": [["Báo cáo tổng hợp"], ["a", "b", "c"], [1, 2, 3]]})
    response = preview(login("admin"), "/people/import", data, "x.xlsx")
    assert response.status_code == 400
    page = text_of(response)
    assert "Không tìm thấy dòng tiêu đề" in page and "Mã cá nhân, Họ và tên" in page
    assert "Thiếu cột" not in page


def test_two_plausible_sheets_let_the_user_choose(dap, login, in_app):
    sheet = [PEOPLE_HEADERS]
    data = _workbook({"Tổ 1": sheet + [["T1-1", "Ngô Thị Một", "Nữ", "", "", "CDCS-DAP", ""]],
                      "Tổ 2": sheet + [["T2-1", "Ngô Văn Hai", "Nam", "", "", "CDCS-DAP", ""]]})
    c = login("tochuc_a")
    shown = preview(c, "/people/import", data, "to.xlsx")
    page = text_of(shown)
    assert "Có nhiều chỗ giống dòng tiêu đề" in page and "trang tính Tổ 2, dòng 1" in page
    token = token_of(shown)
    again = c.post("/people/import", data={"token": token, "action": "preview",
                                           "sheet": "Tổ 2", "shown_sheet": "Tổ 1",
                                           "header_row": "1", "shown_row": "1"})
    assert "Ngô Văn Hai" in again.get_data(as_text=True)
    confirm(c, "/people/import", token, sheet="Tổ 2")
    assert list(people(in_app, "T1-1", "T2-1")) == ["T2-1"]


def test_the_user_maps_a_column_the_reader_did_not_know(dap, login, in_app):
    # a header the import does not know (`Tên gọi`): the user maps it in the preview
    data = _workbook({"DS": [["Danh sách"], ["Mã cá nhân", "Tên gọi", "Giới tính",
                                             "Ngày sinh", "Chức vụ", "Mã đơn vị"],
                             ["M-1", "Đinh Thị Mai", "Nữ", "", "Thủ kho", "CDCS-DAP"]]})
    c = login("tochuc_a")
    refused = preview(c, "/people/import", data, "m.xlsx")
    assert refused.status_code == 400 and "Thiếu cột: Họ và tên" in text_of(refused)
    assert "Dòng tiêu đề 2" in text_of(refused)  # the header row was found all the same
    token = token_of(refused)  # kept: the user can choose the column
    columns = {f"col_{i}": key for i, key in enumerate(
        ["code", "full_name", "gender", "birth_date", "position", "unit_code"])}
    shown = c.post("/people/import", data={"token": token, "action": "preview",
                                           "header_row": "2", "shown_row": "2", **columns})
    assert shown.status_code == 200 and "Đinh Thị Mai" in text_of(shown)
    assert people(in_app, "M-1") == {}
    done = c.post("/people/import", data={"token": token, "action": "confirm",
                                          "header_row": "2", "shown_row": "2", **columns})
    assert done.status_code == 200
    assert people(in_app, "M-1")["M-1"].full_name == "Đinh Thị Mai"
    # another header row than the one shown: its own columns are found again
    other = preview(c, "/people/import", data, "m.xlsx")
    moved = c.post("/people/import", data={"token": token_of(other), "action": "preview",
                                           "header_row": "1", "shown_row": "2", **columns})
    assert moved.status_code == 400 and "Không tìm thấy" not in text_of(moved)


def test_preview_mapping_can_be_changed(dap, login, in_app):
    rows = [["C-1", "Vũ Thị Cúc", "Nữ", "", "Thủ kho", "CDCS-DAP", "cuc@example.vn"]]
    c = login("tochuc_a")
    shown = preview(c, "/people/import", xlsx(PEOPLE_HEADERS, rows), "c.xlsx")
    token = token_of(shown)
    keys = ["code", "full_name", "gender", "birth_date", "position", "unit_code", ""]
    columns = {f"col_{i}": k for i, k in enumerate(keys)}  # Email not imported
    again = c.post("/people/import", data={"token": token, "action": "confirm",
                                           "shown_row": "1", "header_row": "1", **columns})
    assert again.status_code == 200
    assert people(in_app, "C-1")["C-1"].email == ""
    twice = preview(c, "/people/import", xlsx(PEOPLE_HEADERS, rows), "c.xlsx")
    bad = c.post("/people/import", data={"token": token_of(twice), "action": "preview",
                                         "header_row": "1", "shown_row": "1",
                                         **{**columns, "col_4": "full_name"}})
    assert bad.status_code == 400 and "xuất hiện hai lần" in text_of(bad)


# --- legacy text ---------------------------------------------------------------------------------

@pytest.mark.parametrize("before, after, kind", [
    ("NguyÔn V¨n §øc", "Nguyễn Văn Đức", "TCVN3"),
    ("Ph¹m ThÞ Thu HiÒn", "Phạm Thị Thu Hiền", "TCVN3"),
    ("Tæ tr\xadëng", "Tổ trưởng", "TCVN3"),
    ("NGUYÔN V¡N §øC", "NGUYỄN VĂN ĐỨC", "TCVN3"),  # a .VnTimeH (capitals) font
    ("Nguyeãn Vaên Ñöùc", "Nguyễn Văn Đức", "VNI"),
    ("Tröông Thò Thu Höông", "Trương Thị Thu Hương", "VNI"),
    ("NGUYEÃN VAÊN ÑÖÙC", "NGUYỄN VĂN ĐỨC", "VNI"),
])
def test_legacy_fonts_are_converted(before, after, kind):
    from emulation.core.vnlegacy import convert

    assert convert(before) == (after, kind)


@pytest.mark.parametrize("text", [
    "Nguyễn Văn Đức", "Lê Văn Hà", "Hoà", "Tô Hoài", "Bùi Thị Hòa", "Ngô Thị Ánh", "Café",
    "Müller", "José María", "São Paulo", "Björk", "50°C", "½ ngày", "§ 3", "BH-0701",
    "Công nhân", "", "Ø", unicodedata.normalize("NFD", "Nguyễn Văn Đức"),
])
def test_unicode_and_foreign_text_are_left_alone(text):
    from emulation.core.vnlegacy import convert

    assert convert(text) is None


def cp1258(text: str) -> bytes:
    """`text` as Vietnamese Windows saves it: base letters (â, ơ …) and combining tone marks."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
            out += base.encode("cp1258") + "".join(p for p in parts if p in tones).encode(
                "cp1258")
    return out


def test_a_windows_1258_csv_is_decoded_to_nfc(dap, login, in_app):
    text = ("Mã cá nhân;Họ và tên;Giới tính;Ngày sinh;Chức vụ;Mã đơn vị\r\n"
            "W-1;Nguyễn Thị Hường;Nữ;15-8-1985;Trưởng phòng;CDCS-DAP\r\n")
    data = cp1258(text)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    shown = preview(login("tochuc_a"), "/people/import", data, "w.csv")
    assert "Windows-1258" in text_of(shown)
    assert confirm(login("tochuc_a"), "/people/import", token_of(shown)).status_code == 200
    person = people(in_app, "W-1")["W-1"]
    assert person.full_name == "Nguyễn Thị Hường" and person.position == "Trưởng phòng"
    assert unicodedata.is_normalized("NFC", person.full_name)
    assert person.birth_date == date(1985, 8, 15)


def test_a_tcvn3_csv_saved_by_windows_is_converted(dap, login, in_app):
    # Excel saves .VnTime cells as their bytes: as a Windows-1258 CSV they are TCVN3 bytes
    head = "Mã cá nhân,Họ và tên,Giới tính,Ngày sinh,Chức vụ,Mã đơn vị\r\n"
    data = cp1258(head) + "T-1,NguyÔn V¨n §øc,Nam,,C«ng nh©n,CDCS-DAP\r\n".encode("latin-1")
    response = upload(login("tochuc_a"), "/people/import", data, "t.csv")
    assert response.status_code == 200, text_of(response)[-400:]
    person = people(in_app, "T-1")["T-1"]
    assert (person.full_name, person.position) == ("Nguyễn Văn Đức", "Công nhân")


# --- office vocabulary ---------------------------------------------------------------------------

def test_people_vocabulary(dap, login, in_app):
    rows = [
        ["V-1", "Ông Nguyễn Văn Bình", "", "１５/０８/１９８５", "", "CDCS-DAP", ""],
        ["V-2", "Bà Lê Thị Cúc", "Bà", "15-8-1985", "", "CDCS-DAP", ""],
        ["V-3", "Đ/c Trần Văn Dũng", "Ông", "15.08.1985", "", "CDCS-DAP", ""],
        ["V-4", "Đồng chí Phạm Thị Em", "nữ", 31274, "", "CDCS-DAP", ""],  # an Excel serial
        ["V-5", "Hà Văn Giang", "NAM", datetime(1985, 8, 15), "", "CDCS-DAP", ""],
        ["V-6", "Hồ Thị Hoa", "Nữ", "ngày 15 tháng 8 năm 1985", "", "CDCS-DAP", ""],
        ["V-7", "Mai Văn Khánh", "Nam", "１９８６", "", "CDCS-DAP", ""],
    ]
    c = login("tochuc_a")
    shown = preview(c, "/people/import", xlsx(PEOPLE_HEADERS, rows), "v.xlsx")
    assert "danh xưng trước tên" in text_of(shown)  # the removed prefixes are listed
    assert confirm(c, "/people/import", token_of(shown)).status_code == 200
    found = people(in_app, *(r[0] for r in rows))
    assert {code: (p.full_name, p.gender, p.birth_date or p.birth_year)
            for code, p in found.items()} == {
        "V-1": ("Nguyễn Văn Bình", "male", date(1985, 8, 15)),
        "V-2": ("Lê Thị Cúc", "female", date(1985, 8, 15)),
        "V-3": ("Trần Văn Dũng", "male", date(1985, 8, 15)),
        "V-4": ("Phạm Thị Em", "female", date(1985, 8, 15)),
        "V-5": ("Hà Văn Giang", "male", date(1985, 8, 15)),
        "V-6": ("Hồ Thị Hoa", "female", date(1985, 8, 15)),
        "V-7": ("Mai Văn Khánh", "male", 1986),
    }


def test_vocabulary_table_lookups():
    from emulation.core import vocabulary as v

    assert [v.lookup(v.APPRAISAL, t) for t in (
        "HTXSNV", "H.T.X.S.N.V", "htt nv", "HTNV", "KHTNV", "Hoàn thành xuất sắc nhiệm vụ",
        "hoan thanh tot nhiem vu", "Không hoàn thành nhiệm vụ", "giỏi")] == [
        "excellent", "excellent", "good", "complete", "incomplete", "excellent", "good",
        "incomplete", None]
    assert [v.lookup(v.SEX, t) for t in ("Ông", "bà", "NỮ", "nam", "X")] == [
        "male", "female", "female", "male", None]
    assert v.strip_name_prefix("Ông Ích Khiêm") == ("Ích Khiêm", "male", True)
    assert v.strip_name_prefix("Ông Hùng") == ("Ông Hùng", None, False)  # a surname Ông
    with pytest.raises(ValueError):
        v.parse_date("31/02/1985")
    assert v.parse_date("1986", allow_year=True) == 1986
    with pytest.raises(ValueError):
        v.parse_date("1986")  # without allow_year a year is not a date


def test_award_history_by_name_or_abbreviation(world, login, in_app):
    from emulation.awards.catalogue.data import seed
    from emulation.awards.records.models import Appraisal, AwardRecord

    with in_app() as session:
        seed(session)
        session.commit()
    awards = ("Mã cá nhân,Mã đơn vị,Mã khen thưởng,Năm,Số quyết định\n"
              "P1,,LĐTT,2021,1/QĐ\nP1,,CSTĐCS,2022,2/QĐ\nP1,,Lao động tiên tiến,2023,3/QĐ\n"
              "P1,,chien si thi dua co so,2024,4/QĐ\nP1,,cstd_bo,2025,5/QĐ\n")
    appraisals = ("Mã cá nhân,Năm,Xếp loại\nP1,2021,HTXSNV\nP1,2022,HTTNV\nP1,2023,HTNV\n"
                  "P1,2024,KHTNV\nP1,２０２５,Hoàn thành tốt nhiệm vụ\n")
    c = login("admin")
    for kind, text in (("awards", awards), ("appraisals", appraisals)):
        response = upload(c, f"/records/import/{kind}", ("\ufeff" + text).encode(), "f.csv")
        assert response.status_code == 200, text_of(response)[-600:]
    with in_app() as session:
        assert sorted(session.execute(select(AwardRecord.year, AwardRecord.award_code))) == [
            (2021, "LDTT"), (2022, "CSTDCS"), (2023, "LDTT"), (2024, "CSTDCS"),
            (2025, "CSTD_BO")]
        assert sorted(session.execute(select(Appraisal.year, Appraisal.level))) == [
            (2021, "excellent"), (2022, "good"), (2023, "complete"), (2024, "incomplete"),
            (2025, "good")]


# --- damaged files -------------------------------------------------------------------------------

def test_damaged_files_are_a_clear_400_on_web_cli_and_api(world, login, runner, tmp_path,
                                                          token, client):
    from tests.fuzz_values import damaged_workbooks

    good = xlsx(PEOPLE_HEADERS, [])
    empty = io.BytesIO()
    openpyxl.Workbook().save(empty)
    files = {"truncated.xlsx": good[: len(good) // 2], "not-a-zip.xlsx": b"hello",
             "empty.xlsx": empty.getvalue(), **{f"{k}.xlsx": v
                                                 for k, v in damaged_workbooks().items()}}
    admin, headers = login("admin"), token("admin")
    for name, data in files.items():
        response = preview(admin, "/people/import", data, name)
        assert response.status_code == 400 and "alert-danger" in response.get_data(
            as_text=True), name
        path = tmp_path / name
        path.write_bytes(data)
        result = runner.invoke(args=["import", "people", str(path)])
        assert result.exit_code == 2 and "error:" in result.output, (name, result.output)
        api = client.post("/api/v1/imports/people", headers=headers,
                          data={"file": (io.BytesIO(data), name)},
                          content_type="multipart/form-data")
        assert api.status_code == 400, name
        assert api.get_json()["detail"], name


# --- the flow ------------------------------------------------------------------------------------

def test_the_kept_upload_is_its_owners_only_and_deleted_after_use(dap, login, in_app, app):
    rows = [["K-1", "Lý Thị Kim", "Nữ", "", "", "CDCS-DAP", ""]]
    owner = login("tochuc_a")
    token = token_of(preview(owner, "/people/import", xlsx(PEOPLE_HEADERS, rows), "k.xlsx"))
    folder = Path(app.config["JOBS_FOLDER"]) / "imports"
    kept = folder / f"{token}.upload"
    assert kept.is_file() and (kept.stat().st_mode & 0o777) == 0o600
    other = login("tochuc")
    stolen = confirm(other, "/people/import", token)
    assert stolen.status_code == 404 and people(in_app, "K-1") == {}
    assert login("tochuc_a").post("/records/import/appraisals", data={
        "token": token, "action": "confirm"}).status_code == 404  # another import
    assert confirm(owner, "/people/import", token).status_code == 200
    assert not kept.exists()
    assert confirm(owner, "/people/import", token).status_code == 404  # used once
    again = token_of(preview(owner, "/people/import", xlsx(PEOPLE_HEADERS, rows), "k.xlsx"))
    cancelled = owner.post("/people/import", data={"token": again, "action": "cancel"})
    assert cancelled.status_code == 302 and not (folder / f"{again}.upload").exists()


def test_kept_uploads_expire(dap, login, app):
    import time

    from emulation.jobs import imports

    rows = [["E-1", "Lý Thị Én", "Nữ", "", "", "CDCS-DAP", ""]]
    token = token_of(preview(login("tochuc_a"), "/people/import",
                             xlsx(PEOPLE_HEADERS, rows), "e.xlsx"))
    kept = Path(app.config["JOBS_FOLDER"]) / "imports" / f"{token}.upload"
    with app.app_context():
        imports.cleanup()
        assert kept.exists()  # younger than IMPORT_KEEP_HOURS
        assert imports.cleanup(time.time() + 3 * 3600) >= 1
    assert not kept.exists()


def test_row_errors_are_listed_in_the_preview_and_nothing_is_written(dap, login, in_app):
    rows = [["R-1", "Đúng", "Nam", "", "", "CDCS-DAP", ""],
            ["R-2", "Sai", "Nam", "1850", "", "CDCS-DAP", ""]]
    c = login("tochuc_a")
    shown = preview(c, "/people/import", xlsx(PEOPLE_HEADERS, rows), "r.xlsx")
    assert shown.status_code == 400
    html = shown.get_data(as_text=True)
    assert "<td>3</td>" in html and "Năm sinh 1850" in html
    assert 'value="confirm"' not in html and "import-blocked" in html
    refused = confirm(c, "/people/import", token_of(shown))  # a confirm anyway: refused
    assert refused.status_code == 400 and people(in_app, "R-1", "R-2") == {}


def test_a_large_confirmed_import_runs_as_a_job_with_the_choices(dap, login, in_app, app):
    data = (OFFICE / "people_title_block.xlsx").read_bytes()
    app.config["IMPORT_JOB_ROWS"] = 1
    try:
        c = login("tochuc_a")
        shown = preview(c, "/people/import", data, "people_title_block.xlsx")
        response = confirm(c, "/people/import", token_of(shown), sheet="DS doan vien",
                           header_row="6")
    finally:
        app.config["IMPORT_JOB_ROWS"] = 10000
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    page = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "tạo mới 3" in page
    assert len(people(in_app, "BH-0701", "BH-0702", "BH-0703")) == 3


def test_every_import_has_a_preview(world, login):
    from emulation.awards.catalogue.data import seed

    c = login("admin")
    for url, headers in (("/units/import", ["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên"]),
                         ("/records/import/appraisals", ["Mã cá nhân", "Năm", "Xếp loại"]),
                         ("/records/import/initiatives", ["Mã cá nhân", "Năm", "Phạm vi",
                                                          "Tên sáng kiến"]),
                         ("/records/import/disciplines", ["Mã cá nhân", "Hình thức kỷ luật",
                                                          "Từ ngày", "Đến ngày"]),
                         ("/records/import/awards", ["Mã cá nhân", "Mã khen thưởng", "Năm"])):
        data = _workbook({"S": [["TÊN ĐƠN VỊ"], [], ["STT", *headers]]})
        shown = preview(c, url, data, "x.xlsx")
        assert shown.status_code == 200, (url, text_of(shown)[-300:])
        assert "Dòng tiêu đề 3" in text_of(shown) and token_of(shown), url
    del seed


# --- CLI -----------------------------------------------------------------------------------------

def test_cli_prints_the_report_and_takes_the_choices(dap, runner, tmp_path, in_app):
    path = tmp_path / "tcvn3.xlsx"
    path.write_bytes((OFFICE / "people_tcvn3.xlsx").read_bytes())
    dry = runner.invoke(args=["import", "people", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert 'row 2, Họ và tên: "NguyÔn V¨n §øc" -> "Nguyễn Văn Đức" (TCVN3)' in dry.output
    assert "dry run: nothing was written." in dry.output and people(in_app, "BH-1001") == {}
    block = tmp_path / "block.xlsx"
    block.write_bytes((OFFICE / "people_title_block.xlsx").read_bytes())
    wrong = runner.invoke(args=["import", "people", str(block), "--header-row", "4"])
    assert wrong.exit_code == 2 and "Thiếu cột" in wrong.output
    done = runner.invoke(args=["import", "people", str(block), "--sheet", "DS doan vien",
                               "--header-row", "6", "--column", "H="])
    assert done.exit_code == 0, done.output
    assert 'column A "STT" -> not imported' in done.output
    assert "row 12 left out: footer" in done.output and "created: 3" in done.output


# --- API -----------------------------------------------------------------------------------------

def test_api_import_reports_then_imports(dap, token, client, in_app):
    headers = token("tochuc_a")
    data = (OFFICE / "people_title_block.xlsx").read_bytes()

    def send(**form):
        return client.post("/api/v1/imports/people", headers=headers, data={
            "file": (io.BytesIO(data), "block.xlsx"), **form},
            content_type="multipart/form-data")

    dry = send(dry_run="true")
    assert dry.status_code == 200, dry.get_json()
    report = dry.get_json()
    assert (report["state"], report["sheet"], report["header_row"], report["data_rows"]) == (
        "preview", "DS doan vien", 6, 3)
    assert report["rows"][0]["full_name"] == "Phan Thị Thu Hà"
    assert {"row": 12, "reason": "footer"} in report["skipped"]
    assert people(in_app, "BH-0701") == {}
    wrong = send(columns=json.dumps({"2": "code", "1": "full_name"}))
    assert wrong.status_code == 400 and "Thiếu cột" in wrong.get_json()["detail"]
    done = send()
    assert done.status_code == 200 and done.get_json()["created"] == 3
    again = client.post("/api/v1/imports/people", headers=headers, data={
        "file": (io.BytesIO(xlsx(PEOPLE_HEADERS, [["X", "", "Nam", "", "", "CDCS-DAP", ""]])),
                 "x.xlsx")}, content_type="multipart/form-data")
    problem = again.get_json()
    assert again.status_code == 400 and problem["errors"]["rows"][0]["row"] == 2
    assert problem["errors"]["report"]["data_rows"] == 1
    viewer = client.post("/api/v1/imports/people", headers=token("xem"), data={
        "file": (io.BytesIO(data), "block.xlsx")}, content_type="multipart/form-data")
    assert viewer.status_code == 403


def test_import_events_are_audited(dap, login, in_app):
    data = (OFFICE / "people_ong_ba_birth_year.xlsx").read_bytes()
    upload(login("tochuc_a"), "/people/import", data, "o.xlsx")
    with in_app() as session:
        created = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "person.create")).all()
        assert {e.after_data["birth_year"] for e in created} == {1986, 1979}


# --- a year of birth alone -----------------------------------------------------------------------

def test_a_year_of_birth_alone_on_the_form_the_api_and_the_export(dap, login, in_app, token,
                                                                  client):
    c = login("tochuc_a")
    response = c.post("/people/new", data={"code": "Y-1", "full_name": "Kiều Thị Yến",
                                           "gender": "female", "birth_date": "",
                                           "birth_year": "1986", "position": "",
                                           "unit_code": "CDCS-DAP", "email": ""})
    assert response.status_code == 302, text_of(response)[-300:]
    person = people(in_app, "Y-1")["Y-1"]
    assert (person.birth_date, person.birth_year) == (None, 1986)
    assert "1986" in text_of(c.get(f"/people/{person.id}"))
    headers = token("tochuc_a")
    with in_app() as session:
        unit_id = session.scalar(select(Unit.id).where(Unit.code == "CDCS-DAP"))
    made = client.post("/api/v1/people", headers=headers, json={
        "code": "Y-2", "full_name": "Kiều Văn Yên", "unit_id": unit_id, "birth_year": 1979})
    assert made.status_code == 201 and made.get_json()["birth_year"] == 1979
    dated = client.post("/api/v1/people", headers=headers, json={
        "code": "Y-3", "full_name": "Kiều Văn Ý", "unit_id": unit_id,
        "birth_date": "1980-05-01"})
    assert dated.get_json()["birth_year"] == 1980
    clash = client.post("/api/v1/people", headers=headers, json={
        "code": "Y-4", "full_name": "Kiều Văn Ân", "unit_id": unit_id,
        "birth_date": "1980-05-01", "birth_year": 1981})
    assert clash.status_code == 400
    exported = c.get("/people/export.xlsx").data
    rows = {r[0]: r for r in openpyxl.load_workbook(io.BytesIO(exported)).active.iter_rows(
        min_row=2, values_only=True)}
    assert rows["Y-1"][3] == 1986 and rows["Y-3"][3] == datetime(1980, 5, 1)
    again = upload(c, "/people/import", exported, "ca-nhan.xlsx")
    assert "tạo mới 0, cập nhật 0" in again.get_data(as_text=True)


def test_a_year_alone_never_erases_a_known_date(dap, login, in_app):
    c = login("tochuc_a")
    rows = [["D-1", "Tống Văn Đạt", "Nam", "01/05/1980", "", "CDCS-DAP", ""]]
    upload(c, "/people/import", xlsx(PEOPLE_HEADERS, rows), "d.xlsx")
    rows[0][3] = "1980"
    response = upload(c, "/people/import", xlsx(PEOPLE_HEADERS, rows), "d.xlsx")
    assert "không đổi 1" in response.get_data(as_text=True)
    assert people(in_app, "D-1")["D-1"].birth_date == date(1980, 5, 1)
    rows[0][3] = "1981"
    upload(c, "/people/import", xlsx(PEOPLE_HEADERS, rows), "d.xlsx")
    person = people(in_app, "D-1")["D-1"]
    assert (person.birth_date, person.birth_year) == (None, 1981)


def test_repeated_headers_and_headings_inside_the_list_are_left_out(dap, login, in_app):
    header = ["STT", *PEOPLE_HEADERS]
    data = _workbook({"DS": [
        ["DANH SÁCH ĐOÀN VIÊN"], header,
        ["I. KHỐI VĂN PHÒNG"],
        [1, "G-1", "Cao Thị Gấm", "Nữ", "", "Văn thư", "CDCS-DAP", ""],
        header,  # the header again, as a list printed page by page has it
        [None, None, "PHÒNG KẾ TOÁN"],
        [2, "G-2", "Cao Văn Giáp", "Nam", "", "Kế toán", "CDCS-DAP", ""],
        [3, "G-3", "", "Nam", "", "", "CDCS-DAP", ""],  # a real record with a gap: an error
    ]})
    shown = preview(login("tochuc_a"), "/people/import", data, "g.xlsx")
    page = text_of(shown)
    assert "Dòng 3: một tiêu đề nhóm" in page and "Dòng 5: dòng tiêu đề lặp lại" in page
    assert "Dòng 6: một tiêu đề nhóm" in page
    assert shown.status_code == 400 and "<td>8</td>" in shown.get_data(as_text=True)
    assert 'data-rows="3"' in shown.get_data(as_text=True)


def _two_row_header_list() -> bytes:
    """A people list as offices draw it: a title, then a header of two rows — `Ngày sinh`
    merged over `Nam | Nữ` (the date written under the person's sex), `Liên hệ` merged over
    `Đơn vị | Email`, the other headings merged down both rows — and an STT column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sach"
    ws.append(["DANH SÁCH ĐOÀN VIÊN NĂM 2026"])
    ws.merge_cells("A1:H1")
    ws.append(["STT", "Mã cá nhân", "Họ và tên", "Ngày sinh", None, "Chức vụ", "Liên hệ", None])
    ws.append([None, None, None, "Nam", "Nữ", None, "Mã đơn vị", "Email"])
    for cells in ("A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:F3", "G2:H2"):
        ws.merge_cells(cells)
    ws.append([1, "BH-1101", "Đinh Văn Tùng", "12/04/1983", None, "Thợ điện", "CDCS-DAP",
               "tung@example.vn"])
    ws.append([2, "BH-1102", "Mai Thị Ngọc", None, "05/09/1990", "Kế toán", "CDCS-DAP", ""])
    ws.append([3, "BH-1103", "Kiều Văn Hải", 1975, None, "Bảo vệ", "CDCS-DAP", ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_two_row_header_with_the_birth_date_under_nam_and_nu(dap, login, in_app):
    c = login("tochuc_a")
    shown = preview(c, "/people/import", _two_row_header_list(), "ds_hai_dong_tieu_de.xlsx")
    assert shown.status_code == 200, text_of(shown)[:2000]
    page = text_of(shown)
    assert "Dòng tiêu đề 2" in page  # rows 2–3, the data from row 4
    assert "Ngày sinh Nam Ngày sinh, kèm giới tính: Nam" in page
    assert "Ngày sinh Nữ Ngày sinh, kèm giới tính: Nữ" in page
    assert person_count(in_app) == 2  # the preview wrote nothing
    done = confirm(c, "/people/import", token_of(shown))
    assert "tạo mới 3, cập nhật 0" in done.get_data(as_text=True)
    found = people(in_app, "BH-1101", "BH-1102", "BH-1103")
    assert [(p.full_name, p.gender, p.birth_date, p.birth_year, p.position, p.email)
            for p in (found["BH-1101"], found["BH-1102"], found["BH-1103"])] == [
        ("Đinh Văn Tùng", "male", date(1983, 4, 12), 1983, "Thợ điện", "tung@example.vn"),
        ("Mai Thị Ngọc", "female", date(1990, 9, 5), 1990, "Kế toán", ""),
        ("Kiều Văn Hải", "male", None, 1975, "Bảo vệ", "")]


def test_a_one_row_header_stays_one_row_when_its_first_data_row_follows(dap, login, in_app):
    """The second-row reading must not swallow the first person of an ordinary list."""
    from tests.org.test_import import PEOPLE_HEADERS

    data = xlsx(PEOPLE_HEADERS, [["BH-1201", "Nam Văn Nữ", "Nam", "01/01/1980", "Tổ trưởng",
                                  "CDCS-DAP", ""],
                                 ["BH-1202", "Lê Thị Hoa", "Nữ", "02/02/1982", "Kế toán",
                                  "CDCS-DAP", ""]])
    done = upload(login("tochuc_a"), "/people/import", data, "ds.xlsx")
    assert "tạo mới 2, cập nhật 0" in done.get_data(as_text=True)
