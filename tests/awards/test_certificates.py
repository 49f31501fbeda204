"""Certificates (giấy khen, bằng khen) of an issued decision: one PDF, a page per award, whose
text — extracted with pypdf — matches the records in NFC; revoked awards not printed; a unit
officer prints only their unit's; design and blanks; calibration moves the text; the
emblem upload refuses what is not a small PNG or JPEG."""
from __future__ import annotations

import io
import re
import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from emulation.awards.catalogue.data import seed
from emulation.awards.catalogue.services import award_by_code
from emulation.awards.certificates import pdf
from emulation.awards.certificates import services as certs
from emulation.awards.certificates.models import CertificateLayout, CertificateStyle
from emulation.awards.councils import services as cs
from emulation.awards.decisions import services as ds
from emulation.awards.decisions.models import Decision
from emulation.awards.nominations import services as nom
from emulation.awards.records.models import AwardRecord
from emulation.core.audit import AuditEvent
from emulation.core.errors import PermissionDenied, ServiceError
from emulation.core.permissions import SYSTEM
from emulation.core.uploads import Attachment
from emulation.extensions import db
from emulation.jobs.models import Job
from emulation.org.models import Person, Unit
from tests.awards.conftest import _user, close_with
from tests.factories import gen_person, gen_user

SIGNED = date(2027, 1, 20)
NUMBER = "15/QĐ-CĐCT"
SIGNER = "Chủ tịch Phạm Quỳnh Hương"
THIRD = "Phạm Thị Ngọc Ánh"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def pages_of(data: bytes) -> list[str]:
    return [nfc(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def issue_decision(world) -> int:
    """An issued decision of the top unit granting Bằng khen bộ to person1 and a third person
    (both of CS-1) and to person2 (CS-2). Returns its id."""
    seed(db.session)
    top = db.session.get(Unit, world.top.id)
    unit1, unit2 = db.session.get(Unit, world.unit1.id), db.session.get(Unit, world.unit2.id)
    third = gen_person("P3", unit1, THIRD)
    council = cs.create_council(SYSTEM, top, "Hội đồng TĐKT", Decimal("66.67"))
    cs.add_member(SYSTEM, council, _user("thuky"), "secretary")
    cs.add_member(SYSTEM, council, _user("hoidong1"), "chair")
    for i in range(2, 4):
        cs.add_member(SYSTEM, council, gen_user(f"hd{i}", "council_member", top), "member")
    dossiers = []
    for person, unit in ((db.session.get(Person, world.person1.id), unit1), (third, unit1),
                         (db.session.get(Person, world.person2.id), unit2)):
        n = nom.create(SYSTEM, award=award_by_code("BK_BO"), year=2026, proposing_unit=unit,
                       person=person, texts={"summary": "Thành tích xuất sắc"})
        nom.submit(SYSTEM, n, n.version, "Giải trình của đơn vị")
        nom.receive(SYSTEM, n, n.version)
        while n.level_unit_id != top.id:
            nom.forward(SYSTEM, n, n.version)
            nom.receive(SYSTEM, n, n.version)
        nom.put_on_agenda(SYSTEM, n, n.version)
        dossiers.append(n)
    meeting = cs.schedule(_user("thuky"), council, "Phiên họp 2026", date(2026, 12, 18))
    for n in dossiers:
        cs.add_to_agenda(_user("thuky"), meeting, n)
    close_with(meeting, "agree")
    ds.publish(_user("tochuc"), meeting, date(2026, 12, 21))
    decision = ds.create_decision(_user("tochuc"), top, number=NUMBER, signed_on=SIGNED,
                                  signer=SIGNER, nominations=dossiers, today=SIGNED)
    ds.issue(_user("tochuc"), decision, decision.version, SIGNED)
    assert decision.state == "issued"
    return decision.id


@pytest.fixture
def decision_id(world, in_app):
    with in_app():
        return issue_decision(world)


def print_as(login, username: str, decision_id: int, printer: str = ""):
    """Ask for the certificates as `username`: (status, PDF bytes or None). The job runs at
    once in tests; its page is followed to the download."""
    client = login(username)
    response = client.get(f"/decisions/{decision_id}/certificates.pdf",
                          query_string={"printer": printer} if printer else None)
    if response.status_code != 302:
        return response.status_code, None
    token = response.headers["Location"].rstrip("/").split("/")[-1]
    status = client.get(f"/jobs/{token}/status").get_json()
    assert status["state"] == "done", status
    download = client.get(status["download"])
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    return 200, download.data


# --- the text of the PDF -----------------------------------------------------------------

def test_the_organiser_prints_every_award_with_the_records_text_in_nfc(world, decision_id,
                                                                       login, in_app):
    status, data = print_as(login, "tochuc", decision_id)
    assert status == 200
    pages = pages_of(data)
    with in_app():
        decision = db.session.get(Decision, decision_id)
        expected = [(nfc(i.nomination.subject_name), nfc(i.nomination.person.unit.name))
                    for i in decision.items]
    assert len(pages) == 3
    for text, (name, unit) in zip(pages, expected, strict=True):
        assert name in text and unit in text
        assert "BẰNG KHEN" in text  # the form as the title, never the award's code
        assert "BK_BO" not in text
        assert f"Quyết định số {NUMBER} ngày 20/01/2027" in text
        assert "ngày 20 tháng 01 năm 2027" in text.lower()
        assert nfc(SIGNER) in text
    assert any(nfc(THIRD) in text for text in pages)
    assert "Nguyễn Văn Đức" in pages[0]  # đ and ứ survive the font and the extraction
    assert PdfReader(io.BytesIO(data)).pages[0].mediabox.width > \
        PdfReader(io.BytesIO(data)).pages[0].mediabox.height  # landscape


def test_decomposed_input_prints_as_nfc():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    certificate = pdf.Certificate(decomposed, "Công đoàn", "Giấy khen", "1/QĐ", SIGNED,
                                  "Chủ tịch", "Công đoàn Công Thương Việt Nam", 2026)
    (text,) = pages_of(pdf.render([(certificate, pdf.Layout())]).data)
    assert "Nguyễn Thị Ánh" in text


# --- what is not printed ---------------------------------------------------------------

def test_a_revoked_award_is_not_printed(world, decision_id, login, in_app):
    with in_app():
        record = db.session.scalar(select(AwardRecord).where(
            AwardRecord.person_id == world.person2.id))
        record.revoked = True
        db.session.commit()
    _status, data = print_as(login, "tochuc", decision_id)
    text = "\n".join(pages_of(data))
    assert len(pages_of(data)) == 2
    assert "Trần Thị Hằng" not in text and "Nguyễn Văn Đức" in text


def test_a_revoked_decision_prints_nothing(world, decision_id, login, in_app):
    with in_app():
        decision = db.session.get(Decision, decision_id)
        ds.revoke(_user("tochuc"), decision, decision.version, "Sai đối tượng")
    status, _data = print_as(login, "tochuc", decision_id)
    assert status == 409
    with in_app():
        assert db.session.scalar(select(Job.id).where(Job.kind == "certificates")) is None


# --- unit scoping --------------------------------------------------------------------------

def test_a_unit_officer_prints_only_their_units_certificates(world, decision_id, login):
    _status, data = print_as(login, "donvi1", decision_id)
    text = "\n".join(pages_of(data))
    assert len(pages_of(data)) == 2
    assert "Nguyễn Văn Đức" in text and nfc(THIRD) in text
    assert "Trần Thị Hằng" not in text
    _status, data = print_as(login, "donvi2", decision_id)
    assert pages_of(data) and all("Trần Thị Hằng" in t for t in pages_of(data))
    assert len(pages_of(data)) == 1


def test_another_units_officer_gets_none(world, decision_id, login, in_app):
    with in_app():
        gen_user("donvi3", "unit_officer", db.session.get(Unit, world.unit3.id))
    status, _ = print_as(login, "donvi3", decision_id)
    assert status == 403
    # nor through the job's subject, should the request be forged
    with in_app():
        user = _user("donvi3")
        assert certs.batch_for(user, {"decision": decision_id}) is None
        assert certs.batch_for(_user("donvi1"), {"decision": decision_id}) is not None


def test_the_list_shows_a_unit_officer_their_decisions_and_counts(world, decision_id,
                                                                  login, in_app):
    with in_app():
        gen_user("donvi3", "unit_officer", db.session.get(Unit, world.unit3.id))
    page = login("donvi1").get("/certificates/").get_data(as_text=True)
    assert NUMBER in page and f"/decisions/{decision_id}/certificates.pdf" in page
    assert re.search(r'text-end">2<', page)
    assert NUMBER not in login("donvi3").get("/certificates/").get_data(as_text=True)
    detail = login("donvi2").get(f"/decisions/{decision_id}").get_data(as_text=True)
    assert f"/decisions/{decision_id}/certificates.pdf" in detail


def test_a_job_downloads_only_for_its_requester(world, decision_id, login):
    client = login("donvi1")
    response = client.get(f"/decisions/{decision_id}/certificates.pdf")
    token = response.headers["Location"].rstrip("/").split("/")[-1]
    assert login("donvi2").get(f"/jobs/{token}/file").status_code == 404
    assert client.get(f"/jobs/{token}/file").status_code == 200


def test_the_date_line_starts_with_the_issuing_units_place(world, decision_id, login, in_app):
    with in_app():
        top = db.session.get(Unit, world.top.id)
        top.place_name = "Hà Nội"
        db.session.commit()
    for printer_mode in ("design", "blank"):
        if printer_mode == "blank":
            with in_app():
                certs.save_style(_user("tochuc"), award_by_code("BK_BO"), None, mode="blank",
                                 heading="")
        status, data = print_as(login, "tochuc", decision_id)
        assert status == 200
        for text in pages_of(data):
            assert "Hà Nội, ngày 20 tháng 01 năm 2027" in text, printer_mode


# --- modes and calibration -----------------------------------------------------------------

def positions(data: bytes, needle: str) -> list[tuple[float, float]]:
    """(x, y) in PDF points of each text run containing `needle` on the first page."""
    found = []

    def visit(text, cm, tm, font, size):
        if needle in nfc(text):
            found.append((round(tm[4] * cm[0] + cm[4], 1), round(tm[5] * cm[3] + cm[5], 1)))

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return found


def test_blanks_print_only_the_variable_text(world, decision_id, login, in_app):
    with in_app():
        certs.save_style(_user("tochuc"), award_by_code("BK_BO"), None, mode="blank",
                         heading="")
    _status, data = print_as(login, "tochuc", decision_id)
    text = pages_of(data)[0]
    assert "Nguyễn Văn Đức" in text and f"Quyết định số {NUMBER}" in text
    # the design's fixed words are on the blank already
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text and "Tặng" not in text
    with in_app():
        certs.save_style(_user("tochuc"), award_by_code("BK_BO"), None, mode="design",
                         heading="Bằng khen")
    _status, data = print_as(login, "tochuc", decision_id)
    text = pages_of(data)[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "BẰNG KHEN" in text
    assert "Nguyễn Văn Đức" in text


def test_calibration_offsets_move_the_text(world, decision_id, login, in_app):
    with in_app():
        award = award_by_code("BK_BO")
        certs.save_style(_user("tochuc"), award, None, mode="blank", heading="")
        certs.save_layout(_user("tochuc"), award, "Canon LBP 2900",
                          {"subject": (Decimal("10"), Decimal("-5.5"))})
    _s, default = print_as(login, "tochuc", decision_id)
    _s, moved = print_as(login, "tochuc", decision_id, printer="Canon LBP 2900")
    ((x0, y0),) = positions(default, "Nguyễn Văn Đức")
    ((x1, y1),) = positions(moved, "Nguyễn Văn Đức")
    mm = 72 / 25.4
    assert x1 - x0 == pytest.approx(10 * mm, abs=0.2)
    assert y1 - y0 == pytest.approx(5.5 * mm, abs=0.2)  # up the sheet: PDF y grows upward
    # a field without an offset stays where it was
    assert positions(default, "Công đoàn Công ty DAP") == \
        positions(moved, "Công đoàn Công ty DAP")


def test_the_calibration_page_marks_each_field_where_it_prints(world, login, in_app):
    with in_app():
        seed(db.session)
        certs.save_layout(_user("tochuc"), award_by_code("GK"), "Máy in phòng TĐKT",
                          {"signer": (Decimal("-20"), Decimal("3"))})
    client = login("tochuc")
    response = client.get("/awards/GK/certificate/calibration.pdf",
                          query_string={"printer": "Máy in phòng TĐKT"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    (text,) = pages_of(response.data)
    assert "Máy in phòng TĐKT" in text
    x, y, _size = pdf.BLANK_POSITIONS["signer"]
    assert f"Người ký ({x - 20:g}; {y + 3:g})".replace(".", ",") in text
    assert "subject" not in text and "signer" not in text  # field names in Vietnamese
    assert login("donvi1").get("/awards/GK/certificate/calibration.pdf").status_code == 403


def test_the_settings_page_names_the_award_not_its_code(world, login, in_app):
    with in_app():
        seed(db.session)
        db.session.commit()
        name = award_by_code("GK").name
    response = login("tochuc").get("/awards/GK/certificate")
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    crumbs = page.split('class="breadcrumb"', 1)[1].split("</ol>", 1)[0]
    assert name in crumbs and ">GK<" not in crumbs


def test_settings_forms_save_with_audit_and_refuse_with_translated_reasons(world, login,
                                                                           in_app):
    with in_app():
        seed(db.session)
        db.session.commit()
    client = login("tochuc")
    response = client.post("/awards/GK/certificate/layouts", data={
        "printer": "Epson L3110", "subject_dx": "12,5", "subject_dy": "-3"})
    assert response.status_code == 302
    response = client.post("/awards/GK/certificate/layouts", data={
        "printer": "Epson L3110", "subject_dx": "400"})
    assert response.status_code == 400
    assert "Số phải nằm trong khoảng" in response.get_data(as_text=True)
    response = client.post("/awards/GK/certificate/layouts", data={"printer": ""})
    assert response.status_code == 400
    response = client.post("/awards/GK/certificate", data={"mode": "blank", "heading": ""})
    assert response.status_code == 302
    assert login("donvi1").post("/awards/GK/certificate",
                                data={"mode": "blank"}).status_code == 403
    with in_app():
        layout = db.session.scalar(select(CertificateLayout))
        assert (layout.printer, layout.subject_dx, layout.subject_dy) == \
            ("Epson L3110", Decimal("12.5"), Decimal("-3.0"))
        assert db.session.scalar(select(CertificateStyle.mode)) == "blank"
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"certificate.layout", "certificate.style"} <= actions
    page = client.get("/awards/GK/certificate").get_data(as_text=True)
    assert "Epson L3110" in page and "12,5" in page


# --- the emblem ----------------------------------------------------------------------------

def image_bytes(kind: str, size=(60, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


def upload(client, name: str, data: bytes):
    return client.post("/awards/BK_BO/certificate/emblem",
                       data={"emblem": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_the_emblem_is_stored_and_printed(world, decision_id, login, in_app):
    client = login("tochuc")
    assert upload(client, "Quốc huy.png", image_bytes("PNG")).status_code == 302
    with in_app():
        style = db.session.scalar(select(CertificateStyle))
        attachment = db.session.get(Attachment, style.emblem_id)
        assert (attachment.owner_type, attachment.original_name) == \
            ("certificate_style", "Quốc huy.png")
        assert "certificate.emblem" in set(db.session.scalars(select(AuditEvent.action)))
    _s, data = print_as(login, "tochuc", decision_id)
    assert PdfReader(io.BytesIO(data)).pages[0].images  # the emblem is on the page
    assert client.post("/awards/BK_BO/certificate/emblem",
                       data={"action": "remove"}).status_code == 302
    _s, data = print_as(login, "tochuc", decision_id)
    assert not PdfReader(io.BytesIO(data)).pages[0].images  # the area is left blank


@pytest.mark.parametrize("name, data, reason", [
    ("quoc-huy.gif", b"GIF89a" + b"\0" * 40, "PNG hoặc JPEG"),
    ("quoc-huy.pdf", b"%PDF-1.4 x", "PNG hoặc JPEG"),
    ("quoc-huy.png", b"not an image at all", "PNG hoặc JPEG"),
    ("quoc-huy.png", "jpeg", "PNG hoặc JPEG"),  # a JPEG named .png
    ("quoc-huy.jpg", "big", "2 MB"),
])
def test_the_emblem_upload_refuses_what_is_not_a_small_png_or_jpeg(world, login, in_app,
                                                                   name, data, reason):
    with in_app():
        seed(db.session)
        db.session.commit()
    if data == "jpeg":
        data = image_bytes("JPEG")
    elif data == "big":
        data = b"\xff\xd8\xff" + b"\0" * (certs.EMBLEM_MAX_BYTES + 10)
    response = upload(login("tochuc"), name, data)
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    with in_app():
        assert db.session.scalar(select(Attachment.id)) is None
        assert db.session.scalar(select(CertificateStyle.emblem_id)) is None


def test_the_emblem_service_refuses_a_huge_image_and_non_configurers(world, ctx):
    seed(db.session)
    from werkzeug.datastructures import FileStorage

    award = award_by_code("BK_BO")
    huge = FileStorage(io.BytesIO(image_bytes("PNG", (5000, 10))), "wide.png")
    with pytest.raises(ServiceError, match="4.000 điểm ảnh"):
        certs.upload_emblem(_user("tochuc"), award, huge)
    small = FileStorage(io.BytesIO(image_bytes("PNG")), "ok.png")
    with pytest.raises(PermissionDenied):
        certs.upload_emblem(_user("donvi1"), award, small)


def test_every_print_is_a_job_that_counts_its_pages(world, decision_id, login, in_app,
                                                    monkeypatch):
    seen = []
    original = pdf.render

    def spy(pages, on_progress=None):
        def progress(done):
            seen.append(done)
            if on_progress is not None:
                on_progress(done)
        return original(pages, progress)

    monkeypatch.setattr(pdf, "render", spy)
    status, _data = print_as(login, "donvi1", decision_id)
    assert status == 200 and seen == [1, 2]
    with in_app():
        job = db.session.scalar(select(Job).where(Job.kind == "certificates"))
        assert (job.state, job.rows_total, job.rows_done) == ("done", 2, 2)
        assert job.file_name == f"giay-khen-{decision_id}.pdf"
        assert job.file_path.endswith(".pdf")


def test_a_collective_is_given_its_parent_unit_and_tap_the():
    collective = pdf.Certificate("Công đoàn Công ty DAP", "Công đoàn Tập đoàn Hóa chất",
                                 "Tập thể lao động xuất sắc", "2/QĐ", SIGNED, "Chủ tịch",
                                 "Công đoàn Công Thương Việt Nam", 2026, individual=False,
                                 is_title=True)
    (text,) = pages_of(pdf.render([(collective, pdf.Layout())]).data)
    assert "Tặng tập thể" in text and "Công đoàn Tập đoàn Hóa chất" in text
    assert "Tập thể lao động xuất sắc năm 2026" in text


def test_a_bang_khen_reads_as_a_real_one_saying_the_award_once(world, decision_id, login,
                                                                 in_app):
    """Issuer, "BẰNG KHEN", "Tặng", name, unit, "Đã có thành tích …", decision, place and
    date, signer — in that order, the award's name not repeated under its title."""
    with in_app():
        db.session.get(Unit, world.top.id).place_name = "Hà Nội"
        db.session.commit()
        issuer = nfc(db.session.get(Unit, world.top.id).name).upper()
        award = nfc(award_by_code("BK_BO").name)
    _status, data = print_as(login, "tochuc", decision_id)
    text = pages_of(data)[0]
    assert text.casefold().count("bằng khen") == 1 and award not in text
    order = [issuer, "BẰNG KHEN", "Tặng", "Nguyễn Văn Đức", "Công đoàn Công ty DAP",
             "Đã có thành tích xuất sắc năm 2026", f"Quyết định số {NUMBER} ngày 20/01/2027",
             "Hà Nội, ngày 20 tháng 01 năm 2027", nfc(SIGNER)]
    at = [text.find(part) for part in order]
    assert -1 not in at and at == sorted(at), list(zip(order, at, strict=True))


@pytest.mark.parametrize(("award", "summary", "title", "line"), [
    ("Bằng khen của Tổng Liên đoàn Lao động Việt Nam", "Hoàn thành xuất sắc nhiệm vụ",
     "BẰNG KHEN", "Đã có thành tích hoàn thành xuất sắc nhiệm vụ năm 2026"),
    ("Giấy khen", "Đã có thành tích xuất sắc trong phong trào thi đua năm 2026",
     "GIẤY KHEN", "Đã có thành tích xuất sắc trong phong trào thi đua năm 2026"),
    ("Bằng Lao động sáng tạo", "", "BẰNG LAO ĐỘNG SÁNG TẠO",
     "Đã có thành tích xuất sắc năm 2026"),
])
def test_the_title_is_the_form_and_the_reason_says_it_once(award, summary, title, line):
    certificate = pdf.Certificate("Nguyễn Văn Đức", "Công đoàn Công ty DAP", award, "3/QĐ",
                                  SIGNED, "Chủ tịch", "Công đoàn Công Thương Việt Nam", 2026,
                                  reason=summary)
    (text,) = pages_of(pdf.render([(certificate, pdf.Layout())]).data)
    assert title in text and line in text
    assert text.count(title) == 1 and "thành tích thành tích" not in text.casefold()
    if title != award.upper():
        assert award not in text


def test_a_title_is_certified_and_a_commendation_given():
    title = pdf.Certificate("Nguyễn Văn Đức", "Công đoàn Công ty DAP", "Lao động tiên tiến",
                            "3/QĐ", SIGNED, "Chủ tịch", "Công đoàn Công ty DAP", 2026,
                            is_title=True)
    (text,) = pages_of(pdf.render([(title, pdf.Layout())]).data)
    assert "GIẤY CHỨNG NHẬN" in text
    assert "Đạt danh hiệu Lao động tiên tiến năm 2026" in text
    (text,) = pages_of(pdf.render([(title, pdf.Layout(heading="Chứng nhận"))]).data)
    assert "CHỨNG NHẬN" in text and "GIẤY CHỨNG NHẬN" not in text


def test_the_jobs_page_names_the_decision_and_the_pages(world, decision_id, login):
    client = login("donvi1")
    response = client.get(f"/decisions/{decision_id}/certificates.pdf")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Giấy khen, bằng khen theo quyết định {NUMBER}" in page
    assert "Giấy khen, bằng khen đang được chuẩn bị" in page  # the flash


def test_a_long_heading_and_name_are_printed_smaller_not_over_the_decision_line():
    unit = ("Công đoàn Tổng công ty Bia - Rượu - Nước giải khát Sài Gòn - Chi nhánh Công ty "
            "Cổ phần Thương mại và Dịch vụ Miền Trung Tây Nguyên")
    certificate = pdf.Certificate(
        subject=unit, unit=unit, award="Bằng khen của Công đoàn ngành Trung ương",
        decision_number=NUMBER, signed_on=SIGNED, signer=SIGNER, issuer="Công đoàn",
        year=2026, individual=False)
    data = pdf.render([(certificate, pdf.Layout(heading=("Bằng khen " * 12)[:120]))]).data
    heights: dict[str, float] = {}

    def visit(text, _cm, tm, _font, _size):
        for key in ("năm 2026", "Quyết định số"):
            if key in text:
                heights.setdefault(key, tm[5])  # pdf y grows upwards

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    assert heights["năm 2026"] > heights["Quyết định số"] + 10  # points: a clear gap above it
    assert "Tây Nguyên" in pages_of(data)[0]  # nothing cut: the whole name is printed


def _offered(html: str) -> list[str]:
    """The printers a print form offers (the select's options but the default)."""
    return re.findall(r'<option value="([^"]+)">', html)


def test_printing_offers_only_the_award_types_and_the_organisations_calibrations(
        world, decision_id, login, in_app, queries):
    """The decision grants BK_BO (printed on blanks): its calibrations of the user's
    organisation are offered, not GK's, nor another organisation's printers, nor those of an
    award type printed in full design; another organisation's offsets are not used."""
    from tests.factories import gen_unit

    with in_app():
        other = gen_unit("TCK", "Tổ chức khác", kind="confederation")
        other_id = other.id
        gen_user("tochuc_khac", "organiser", other)
        bk, gk = award_by_code("BK_BO"), award_by_code("GK")
        certs.save_style(_user("tochuc"), bk, None, mode="blank", heading="")
        certs.save_style(_user("tochuc"), gk, None, mode="blank", heading="")
        certs.save_layout(_user("tochuc"), bk, "Canon LBP 2900", {})
        certs.save_layout(_user("tochuc"), gk, "Epson L3110", {})
        certs.save_layout(_user("tochuc_khac"), bk, "Máy in tổ chức khác",
                          {"subject": (Decimal("40"), Decimal("0"))})
        # a printer name both organisations use: each prints with its own offsets
        certs.save_layout(_user("tochuc_khac"), bk, "Canon LBP 2900",
                          {"subject": (Decimal("40"), Decimal("0"))})
    client = login("tochuc")
    detail = client.get(f"/decisions/{decision_id}").get_data(as_text=True)
    listing = client.get("/certificates/").get_data(as_text=True)
    for page in (detail, listing):
        assert _offered(page) == ["Canon LBP 2900"], _offered(page)
    with queries() as few:
        client.get("/certificates/")
    with in_app():
        certs.save_style(_user("tochuc"), award_by_code("BK_BO"), None, mode="design",
                         heading="")
    assert _offered(client.get(f"/decisions/{decision_id}").get_data(as_text=True)) == []
    with in_app():
        bk = award_by_code("BK_BO")
        certs.save_style(_user("tochuc"), bk, None, mode="blank", heading="")
        for n in range(5):  # more calibrations, as many queries
            certs.save_layout(_user("tochuc"), bk, f"Máy {n}", {})
    with queries() as many:
        client.get("/certificates/")
    assert len(many) == len(few)
    _s, own = print_as(login, "tochuc", decision_id, printer="Canon LBP 2900")
    _s, default = print_as(login, "tochuc", decision_id)
    assert positions(own, "Nguyễn Văn Đức") == positions(default, "Nguyễn Văn Đức")
    _s, foreign = print_as(login, "tochuc", decision_id, printer="Máy in tổ chức khác")
    assert positions(foreign, "Nguyễn Văn Đức") == positions(default, "Nguyễn Văn Đức")
    with in_app():
        with pytest.raises(ServiceError):  # not their organisation
            certs.save_layout(_user("tochuc"), award_by_code("BK_BO"), "Máy", {},
                              organisation_id=other_id)
