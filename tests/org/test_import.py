import io
import re
import unicodedata
from datetime import datetime

import openpyxl
from sqlalchemy import func, select

from emulation.core.audit import AuditEvent
from emulation.extensions import db
from emulation.org.models import Person, Unit

UNIT_HEADERS = ["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Loại đơn vị", "Địa chỉ"]
PEOPLE_HEADERS = ["Mã cá nhân", "Họ và tên", "Giới tính", "Ngày sinh", "Chức vụ", "Mã đơn vị",
                  "Email"]


def xlsx(headers, rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(headers, rows, sep=",") -> bytes:
    lines = [sep.join(headers)] + [sep.join(str(v) for v in row) for row in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def preview(client, url, data: bytes, filename: str):
    """Upload a file: the preview (nothing written)."""
    return client.post(url, data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def token_of(response) -> str | None:
    found = re.search(r'name="token" value="([^"]+)"', response.get_data(as_text=True))
    return found.group(1) if found else None


def confirm(client, url, token: str, **choices):
    return client.post(url, data={"token": token, "action": "confirm", **choices})


def upload(client, url, data: bytes, filename: str):
    """Upload then confirm, as a user who accepts the preview; a refused preview (a file that
    cannot be read, row errors) is returned as it is."""
    shown = preview(client, url, data, filename)
    token = token_of(shown)
    if shown.status_code != 200 or token is None:
        return shown
    return confirm(client, url, token)


def counts(in_app):
    with in_app() as session:
        return (session.scalar(select(func.count(Unit.id))),
                session.scalar(select(func.count(Person.id))))


GOOD_UNITS = [
    ["CS-10", "Công đoàn Công ty Mười", "CD-A", "Công đoàn cơ sở", "Hà Nội"],
    ["TO-10", "Tổ công đoàn Phân xưởng 1", "CS-10", "tổ công đoàn", ""],
    ["CS-11", "Công đoàn Công ty Mười Một", "CD-B", "", "Đà Nẵng"],
]


def test_unit_import_creates_then_reimport_updates_without_duplicates(world, login, in_app):
    c = login("admin")
    data = xlsx(UNIT_HEADERS, GOOD_UNITS)
    first = upload(c, "/units/import", data, "don vi.xlsx")
    assert first.status_code == 200
    assert "tạo mới 3" in first.get_data(as_text=True)
    before = counts(in_app)
    second = upload(c, "/units/import", data, "don vi.xlsx")
    assert "tạo mới 0, cập nhật 0, không đổi 3" in second.get_data(as_text=True)
    assert counts(in_app) == before
    with in_app() as session:
        team = session.scalar(select(Unit).where(Unit.code == "TO-10"))
        assert team.kind == "team" and team.depth == 3 and team.parent.code == "CS-10"
        assert session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "unit.create")) == 3


def test_unit_import_can_rename_and_move(world, login, in_app):
    c = login("admin")
    rows = [["CS-1", "Công đoàn DAP (mới)", "CD-B", "", ""]]
    assert upload(c, "/units/import", csv_bytes(UNIT_HEADERS, rows), "u.csv").status_code == 200
    with in_app() as session:
        unit = session.scalar(select(Unit).where(Unit.code == "CS-1"))
        assert unit.name == "Công đoàn DAP (mới)" and unit.parent_id == world.branch_b.id
        assert unit.path == f"/{world.top.id}/{world.branch_b.id}/{unit.id}/"


def test_unit_import_is_all_or_nothing_with_every_bad_row(world, login, in_app):
    c = login("admin")
    rows = [
        ["CS-20", "Tốt", "CD-A", "", ""],                    # row 2: fine
        ["CS-21", "", "CD-A", "", ""],                        # row 3: no name
        ["CS-22", "Cha lạ", "NOPE", "", ""],                  # row 4: unknown parent
        ["CS-20", "Trùng", "CD-A", "", ""],                   # row 5: duplicate in file
        [None, None, None, None, None],                       # row 6: empty, skipped
        ["CS-23", "Loại lạ", "CD-A", "Hợp tác xã", ""],       # row 7: unknown kind
        ["CD-A", "Vòng", "CS-1", "", ""],                     # row 8: cycle
    ]
    before = counts(in_app)
    response = upload(c, "/units/import", xlsx(UNIT_HEADERS, rows), "u.xlsx")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Chưa nhập dữ liệu nào: 5 dòng có lỗi" in html
    for number in ("<td>3</td>", "<td>4</td>", "<td>5</td>", "<td>7</td>", "<td>8</td>"):
        assert number in html
    assert "<td>2</td>" not in html and "<td>6</td>" not in html
    assert "vòng lặp" in html and "lần đầu ở dòng 2" in html
    assert counts(in_app) == before


def test_cycle_across_several_rows_is_found(world, runner, tmp_path, in_app):
    path = tmp_path / "cycle.csv"
    path.write_bytes(csv_bytes(UNIT_HEADERS, [["X-1", "Một", "X-2", "", ""],
                                              ["X-2", "Hai", "X-1", "", ""]]))
    result = runner.invoke(args=["import", "units", str(path)])
    assert result.exit_code == 1
    assert "row 2:" in result.output and "row 3:" in result.output


def test_organiser_import_is_limited_to_their_subtree(world, login, in_app):
    rows = [["CS-30", "Ngoài phạm vi", "CD-B", "", ""], ["CS-31", "Trong", "CD-A", "", ""]]
    response = upload(login("tochuc_a"), "/units/import", xlsx(UNIT_HEADERS, rows), "u.xlsx")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<td>2</td>" in html and "<td>3</td>" not in html


def test_headers_match_ignoring_case_spaces_and_diacritics(world, login, in_app):
    headers = ["  ma don vi ", "TEN DON VI", "Ma Don Vi Cap Tren"]
    rows = [["CS-40", "Công đoàn Bốn Mươi", "CD-A"]]
    response = upload(login("admin"), "/units/import", csv_bytes(headers, rows, ";"), "u.csv")
    assert response.status_code == 200
    with in_app() as session:
        assert session.scalar(select(Unit).where(Unit.code == "CS-40")).address == ""


def test_missing_column_and_wrong_file_type(world, login):
    c = login("admin")
    missing = upload(c, "/units/import", csv_bytes(["Mã đơn vị", "Tên đơn vị"], []), "u.csv")
    assert missing.status_code == 400
    assert "Thiếu cột: Mã đơn vị cấp trên" in missing.get_data(as_text=True)
    wrong = upload(c, "/units/import", b"MZ\x90\x00", "u.exe")
    assert wrong.status_code == 400
    fake = upload(c, "/units/import", b"<html>not a workbook</html>", "u.xlsx")
    assert fake.status_code == 400
    assert "không phải là bảng tính .xlsx" in fake.get_data(as_text=True)
    latin = upload(c, "/units/import", b"M\xe3 \xf0\xa1n v\xef,T\xean\n", "u.csv")
    assert latin.status_code == 400


PEOPLE = [
    ["N-1", "Nguyễn Thị Lan", "Nữ", "15/03/1985", "Kế toán", "CS-1", "lan@example.vn"],
    ["N-2", "Trần Văn Bình", "nam", datetime(1990, 7, 1), "Kỹ sư", "CS-1", ""],
    ["N-3", unicodedata.normalize("NFD", "Đỗ Thị Thuỷ"), "", "", "", "CS-3", ""],
]


def test_people_import_creates_updates_and_normalises(world, login, in_app):
    c = login("tochuc_a")
    response = upload(c, "/people/import", xlsx(PEOPLE_HEADERS, PEOPLE), "nguoi.xlsx")
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    changed = [["N-1", "Nguyễn Thị Lan", "Nữ", "15/03/1985", "Kế toán trưởng", "CS-1",
                "lan@example.vn"]]
    second = upload(c, "/people/import", xlsx(PEOPLE_HEADERS, changed), "nguoi.xlsx")
    assert "tạo mới 0, cập nhật 1" in second.get_data(as_text=True)
    with in_app() as session:
        lan = session.scalar(select(Person).where(Person.code == "N-1"))
        assert lan.position == "Kế toán trưởng" and lan.version == 2
        assert lan.birth_date.isoformat() == "1985-03-15" and lan.gender == "female"
        binh = session.scalar(select(Person).where(Person.code == "N-2"))
        assert binh.gender == "male" and binh.birth_date.isoformat() == "1990-07-01"
        thuy = session.scalar(select(Person).where(Person.code == "N-3"))
        assert thuy.full_name == unicodedata.normalize("NFC", "Đỗ Thị Thuỷ")
        [update] = session.scalars(select(AuditEvent).where(AuditEvent.action == "person.update"))
        assert update.before_data == {"position": "Kế toán"}
        assert update.after_data == {"position": "Kế toán trưởng"}
    found = c.get("/people/?q=do thi thuy").get_data(as_text=True)
    assert "Đỗ Thị Thuỷ" in found


def test_people_import_row_errors_write_nothing(world, login, in_app):
    rows = [
        ["N-5", "Đúng", "Nam", "01/01/1980", "", "CS-1", ""],
        ["N-6", "Ngày sai", "Nam", "31/02/1980", "", "CS-1", ""],
        ["N-7", "Đơn vị lạ", "Nam", "", "", "NOPE", ""],
        ["N-8", "Giới lạ", "X", "", "", "CS-1", "bad-email"],
        ["", "Thiếu mã", "Nữ", "", "", "CS-1", ""],
    ]
    before = counts(in_app)
    response = upload(login("admin"), "/people/import", xlsx(PEOPLE_HEADERS, rows), "p.xlsx")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for number in (3, 4, 5, 6):
        assert f"<td>{number}</td>" in html
    assert "Ngày sinh 31/02/1980 không đúng định dạng" in html
    assert "thư điện tử bad-email" in html
    assert counts(in_app) == before


def test_officer_cannot_import_people_into_another_unit(world, login, in_app):
    rows = [["N-9", "Người Khác", "Nam", "", "", "CS-2", ""],
            ["P2", "Chiếm mã", "Nữ", "", "", "CS-1", ""]]
    response = upload(login("donvi1"), "/people/import", xlsx(PEOPLE_HEADERS, rows), "p.xlsx")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<td>2</td>" in html and "<td>3</td>" in html
    with in_app() as session:
        assert session.scalar(select(Person).where(Person.code == "P2")).full_name == \
            "Trần Thị Hằng"


def test_templates_hold_the_exact_headers(world, login):
    c = login("admin")
    for url, headers in (("/units/import/template.xlsx", UNIT_HEADERS),
                         ("/people/import/template.xlsx", PEOPLE_HEADERS)):
        response = c.get(url)
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        ws = openpyxl.load_workbook(io.BytesIO(response.data)).active
        assert [cell.value for cell in ws[1]] == headers


def test_export_reimports_as_is(world, login, in_app):
    c = login("admin")
    exported = c.get("/people/export.xlsx").data
    before = counts(in_app)
    response = upload(c, "/people/import", exported, "ca-nhan.xlsx")
    assert "tạo mới 0, cập nhật 0, không đổi 2" in response.get_data(as_text=True)
    assert counts(in_app) == before
    units = c.get("/units/export.xlsx").data
    assert "không đổi 6" in upload(c, "/units/import", units, "u.xlsx").get_data(as_text=True)


def test_the_csv_export_with_guarded_cells_reimports_as_is(world, login, in_app):
    """A CSV export guards text a spreadsheet could take for a formula with an apostrophe
    (`'=1+1`); its re-import reads the text back without it. It created a person coded
    `'=X1` beside `=X1` and renamed the others to `'=…` (created 1, updated 3)."""
    from tests.factories import gen_person

    hostile = ["=cmd|' /C calc'!A0", "@SUM(1)", "-1", "'kept as typed"]
    with in_app():
        unit = db.session.get(Unit, world.unit1.id)
        for i, text in enumerate(hostile):
            gen_person(f"H{i}", unit, text, position=text)
        gen_person("=X1", unit, "Trần Văn Mã")
    c = login("admin")
    for locale in ("vi", "en"):  # `;` and `,`
        c.post("/language", data={"locale": locale, "next": "/"})
        exported = c.get("/people/export.csv").data
        assert b"'=cmd|" in exported  # the guard is in the file
        before = counts(in_app)
        response = upload(c, "/people/import", exported, "ca-nhan.csv")
        assert re.search(r"tạo mới 0, cập nhật 0,|0 created, 0 updated,",
                         response.get_data(as_text=True)), locale
        assert counts(in_app) == before
    with in_app():
        names = set(db.session.scalars(select(Person.full_name).where(
            Person.code.like("H%"))))
        assert names == set(hostile)


def test_export_is_formula_and_link_safe(world, login, in_app):
    from emulation.extensions import db
    from tests.factories import gen_person

    hostile = ["=cmd|' /C calc'!A0", "@SUM(1)", "+1", "-1", "http://x"]
    with in_app():
        unit = db.session.get(Unit, world.unit1.id)
        for i, text in enumerate(hostile):
            gen_person(f"H{i}", unit, text, position=text)
    data = login("admin").get("/people/export.xlsx").data
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    for i, text in enumerate(hostile):
        name_cell = cells[f"H{i}"][1]
        assert name_cell.value == text and name_cell.data_type == "s"
        assert name_cell.hyperlink is None
        assert name_cell.quotePrefix is True or name_cell.style_id  # text kept as text
    assert b"<f>" not in _sheet_xml(data)


def _sheet_xml(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("xl/worksheets/sheet1.xml")


def test_cli_import_success_and_failure(world, runner, tmp_path, in_app):
    good = tmp_path / "units.xlsx"
    good.write_bytes(xlsx(UNIT_HEADERS, GOOD_UNITS))
    result = runner.invoke(args=["import", "units", str(good)])
    assert result.exit_code == 0, result.output
    assert "created: 3, updated: 0" in result.output
    again = runner.invoke(args=["import", "units", str(good)])
    assert "created: 0, updated: 0, unchanged: 3" in again.output
    bad = tmp_path / "people.csv"
    bad.write_bytes(csv_bytes(PEOPLE_HEADERS, [["Z-1", "", "Nam", "", "", "CS-1", ""],
                                               ["Z-2", "Tốt", "Nam", "", "", "CS-1", ""]]))
    before = counts(in_app)
    failed = runner.invoke(args=["import", "people", str(bad)])
    assert failed.exit_code != 0
    assert "row 2: thiếu họ và tên" in failed.output
    assert counts(in_app) == before
    ok = tmp_path / "people-ok.csv"
    ok.write_bytes(csv_bytes(PEOPLE_HEADERS, [["Z-2", "Tốt", "Nam", "01/02/1990", "", "CS-1", ""]]))
    done = runner.invoke(args=["import", "people", str(ok)])
    assert done.exit_code == 0 and "created: 1" in done.output


def test_people_import_refuses_whole_file_when_a_person_changed_meanwhile(
        world, login, in_app, monkeypatch):
    """Updates are batched, each only if the person's version is still the one read: one
    person saved by someone else during the import refuses the whole file (409), and no
    other row or audit event is kept."""
    from sqlalchemy import update

    from emulation.org import importers

    c = login("tochuc_a")
    assert upload(c, "/people/import", xlsx(PEOPLE_HEADERS, PEOPLE),
                  "nguoi.xlsx").status_code == 200
    original = importers._load_by_code

    def load_then_someone_saves(model, codes):
        found = original(model, codes)
        if model is Person:  # another clerk saves N-2 just after the import read it
            db.session.execute(update(Person).where(Person.code == "N-2")
                               .values(position="Kỹ sư trưởng", version=Person.version + 1)
                               .execution_options(synchronize_session=False))
        return found

    monkeypatch.setattr(importers, "_load_by_code", load_then_someone_saves)
    changed = [[code, name, gender, born, "Đã đổi", unit, email]
               for code, name, gender, born, _position, unit, email in PEOPLE]
    with in_app() as session:
        events = session.scalar(select(func.count(AuditEvent.id)))
    response = upload(c, "/people/import", xlsx(PEOPLE_HEADERS, changed), "nguoi.xlsx")
    assert response.status_code == 409
    assert "nothing was saved" in response.get_data(as_text=True) or \
        "không có gì được lưu" in response.get_data(as_text=True)
    with in_app() as session:
        positions = dict(session.execute(select(Person.code, Person.position)).all())
        assert positions["N-1"] == "Kế toán" and positions["N-2"] == "Kỹ sư"
        assert session.scalar(select(func.count(AuditEvent.id))) == events
