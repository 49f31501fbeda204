"""Documents from templates: the demo union's papers in the union style with its data, the
state style, replacing a unit's template (valid, broken, another unit's), the yearly
statistics report."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import openpyxl
import pytest
from docx import Document
from sqlalchemy import select

from emulation.awards.documents import rendering
from emulation.awards.documents.defaults import build, default_path
from emulation.core.audit import AuditEvent
from emulation.core.web import local_today
from emulation.demo import DEMO_PASSWORD
from emulation.extensions import db
from emulation.org.models import Unit
from tests.factories import gen_unit


def _text(data: bytes) -> str:
    return rendering.plain_text(data)


def _demo_client(demo, username="tochuc"):
    client = demo.app.test_client()
    assert client.post("/login", data={"username": username,
                                       "password": DEMO_PASSWORD}).status_code == 302
    return client


def _legal_bases(day: date) -> list[str]:
    """The legal texts of the rule set in force on `day`, read from the data as a test."""
    from emulation.awards.catalogue.models import RuleSet
    from emulation.awards.eligibility.engine import rule_set_on

    rule_set = rule_set_on(list(db.session.scalars(select(RuleSet))), day)
    return [p.strip() for p in rule_set.legal_source.split(";")]


def _union_header(text: str) -> None:
    assert "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM\nCÔNG ĐOÀN CÔNG THƯƠNG VIỆT NAM" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc" in text


# --- the demo's union ------------------------------------------------------------------------

def test_the_demo_decision_is_a_union_document_with_the_data(demo):
    from emulation.awards.decisions.models import Decision

    with demo.session() as session:
        decision = session.scalar(select(Decision).where(Decision.number == "15/QĐ-CĐCT"))
        decision_id, total = decision.id, decision.total_cash
        bases = _legal_bases(decision.signed_on)
        names = {i.nomination.subject_name for i in decision.items}
        awards = {i.nomination.award_type.name for i in decision.items}
        codes = {i.nomination.award_type.code for i in decision.items}
    response = _demo_client(demo).get(f"/decisions/{decision_id}/draft.docx")
    assert response.status_code == 200
    text = _text(response.data)
    _union_header(text)
    assert "Số: 15/QĐ-CĐCT" in text
    assert "Hà Nội, ngày 12 tháng 01 năm 2021" in text
    assert "BAN THƯỜNG VỤ CÔNG ĐOÀN CÔNG THƯƠNG VIỆT NAM" in text
    for basis in bases:
        assert f"Căn cứ {basis};" in text
    assert "Căn cứ Điều lệ Công đoàn Việt Nam;" in text
    assert "TM. BAN THƯỜNG VỤ\nCHỦ TỊCH" in text
    assert "TM. BAN THƯỜNG VỤ\nCHỦ TỊCH\n\n\nNguyễn Văn Hùng" in text  # the signer, by name
    # money with the Vietnamese thousands separator, award names and never their codes
    assert total > 1000 and f"Tổng số tiền thưởng: {total:,} đồng".replace(",", ".") in text
    assert all(name in text for name in names) and all(award in text for award in awards)
    annex = Document(io.BytesIO(response.data)).tables[-1]
    assert not {row.cells[3].text for row in annex.rows[1:]} & codes
    assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*|—", row.cells[4].text)
               for row in annex.rows[1:])


def test_the_demo_meeting_papers_are_union_documents(demo):
    from emulation.awards.councils.models import CouncilMeeting

    with demo.session() as session:
        meeting = session.scalar(select(CouncilMeeting).where(
            CouncilMeeting.title == "Phiên họp xét khen thưởng năm 2020"))
        meeting_id = meeting.id
        names = [i.nomination.subject_name for i in meeting.items]
    client = _demo_client(demo, "thuky")
    memo = _text(client.get(f"/meetings/{meeting_id}/memo.docx").data)
    _union_header(memo)
    assert "TỜ TRÌNH" in memo and "Hà Nội, ngày" in memo and "Căn cứ Nghị định" in memo
    assert "Số: ......./TTr-CĐCTVN" in memo
    minutes = _text(client.get(f"/meetings/{meeting_id}/minutes.docx").data)
    _union_header(minutes)
    assert "Hà Nội, ngày 18 tháng 12 năm 2020" in minutes
    assert "THƯ KÝ HỘI ĐỒNG" in minutes and "CHỦ TỊCH HỘI ĐỒNG" in minutes
    # signed by name: the demo council's secretary and chair
    assert "Phạm Thu Hà" in minutes and "Hoàng Văn Minh" in minutes
    listing = client.get(f"/meetings/{meeting_id}/nominations.docx")
    assert listing.status_code == 200
    text = _text(listing.data)
    _union_header(text)
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in text and "TM. BAN THƯỜNG VỤ" in text
    assert all(name in memo and name in minutes and name in text for name in names)


def test_the_achievement_reports_follow_the_appendix_with_the_records(demo):
    from emulation.awards.nominations.models import Nomination
    from emulation.awards.records.models import Appraisal, AwardRecord

    with demo.session() as session:
        person_n = session.scalar(select(Nomination).where(
            Nomination.person_id.is_not(None),
            Nomination.person_id.in_(select(AwardRecord.person_id)),
            Nomination.person_id.in_(select(Appraisal.person_id))).order_by(Nomination.id))
        unit_n = session.scalar(select(Nomination).where(Nomination.unit_id.is_not(None))
                                .order_by(Nomination.id))
        person = (person_n.id, person_n.person.full_name, person_n.award_type.name,
                  person_n.person.unit.name)
        record = session.scalar(select(AwardRecord).where(
            AwardRecord.person_id == person_n.person_id, AwardRecord.year <= person_n.year,
            AwardRecord.revoked.is_(False)))
        record_award = record.award_code
        from emulation.awards.catalogue.services import names
        record_name = names()[record_award]
        collective = (unit_n.id, unit_n.unit.name, unit_n.award_type.name) if unit_n else None
        decree = _legal_bases(local_today())[-1]
    client = _demo_client(demo)
    text = _text(client.get(f"/nominations/{person[0]}/report.docx").data)
    assert f"Mẫu số 02 - Phụ lục kèm theo {decree}" in text
    assert decree == "Nghị định 152/2025/NĐ-CP"
    assert "BÁO CÁO THÀNH TÍCH" in text and f"ĐỀ NGHỊ TẶNG {person[2].upper()}" in text
    assert f"- Họ tên: {person[1]};" in text and person[3] in text
    assert "NGƯỜI BÁO CÁO THÀNH TÍCH" in text and "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG" in text
    assert record_name in text and f"\n{record_award}\n" not in text
    assert any(label in text for label in ("Hoàn thành xuất sắc nhiệm vụ",
                                           "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"))
    if collective:
        text = _text(client.get(f"/nominations/{collective[0]}/report.docx").data)
        assert f"Mẫu số 01 - Phụ lục kèm theo {decree}" in text
        assert f"Tên tập thể đề nghị: {collective[1]}" in text
        assert "TM. BAN CHẤP HÀNH" in text


def test_the_report_writes_the_birth_date_as_the_form_asks(world, login, in_app):
    """"Sinh ngày, tháng, năm:" of the appendix is filled dd/mm/yyyy, not in words."""
    from emulation.awards.catalogue.data import seed
    from emulation.awards.catalogue.services import award_by_code
    from emulation.awards.nominations import services as nom
    from emulation.core.permissions import SYSTEM
    from emulation.org.models import Person

    with in_app():
        seed(db.session)
        person = db.session.get(Person, world.person1.id)
        person.birth_date = date(1985, 3, 7)
        db.session.commit()
        n = nom.create(SYSTEM, award=award_by_code("LDTT"), year=2026,
                       proposing_unit=db.session.get(Unit, world.unit1.id), person=person,
                       texts={"summary": "Thành tích"})
        nomination_id = n.id
    text = _text(login("tochuc").get(f"/nominations/{nomination_id}/report.docx").data)
    assert "- Sinh ngày, tháng, năm: 07/03/1985." in text
    assert "tháng 03 năm 1985" not in text


def test_the_report_does_not_list_the_award_it_proposes(demo):
    from emulation.awards.catalogue.models import AwardType
    from emulation.awards.nominations.models import Nomination
    from emulation.awards.records.models import AwardRecord

    with demo.session() as session:
        row = session.execute(
            select(Nomination.id, AwardRecord.decision_number)
            .join(AwardType, AwardType.id == Nomination.award_type_id)
            .join(AwardRecord, (AwardRecord.person_id == Nomination.person_id)
                  & (AwardRecord.award_code == AwardType.code)
                  & (AwardRecord.year == Nomination.year))
            .order_by(Nomination.id)).first()
    assert row is not None  # the demo's 2020 dossiers were granted by 15/QĐ-CĐCT
    text = _text(_demo_client(demo).get(f"/nominations/{row.id}/report.docx").data)
    assert "BÁO CÁO THÀNH TÍCH" in text and row.decision_number not in text


# --- styles and letterhead -------------------------------------------------------------------

def _draft_decision(unit_id: int, number: str = "07/QĐ-BCT"):
    from emulation.awards.decisions.models import Decision

    decision = Decision(number=number, signed_on=date(2026, 2, 3), signer="Trần Văn Ký",
                        issuing_unit_id=unit_id)
    db.session.add(decision)
    db.session.commit()
    return decision.id


def test_a_state_body_prints_the_state_style_and_its_own_letterhead(world, login, in_app):
    from emulation.awards.catalogue.data import seed

    with in_app():
        seed(db.session)
        top = db.session.get(Unit, world.top.id)
        ministry = gen_unit("VP-BO", "Văn phòng Bộ Công Thương", top, kind="department")
        decision_id = _draft_decision(ministry.id)
        ministry_id = ministry.id
    client = login("tochuc")
    text = _text(client.get(f"/decisions/{decision_id}/draft.docx").data)
    assert "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG" in text and "TM. BAN THƯỜNG VỤ" not in text
    assert "Về việc khen thưởng\nBỘ TRƯỞNG VĂN PHÒNG BỘ CÔNG THƯƠNG" in text
    assert "Điều lệ Công đoàn" not in text
    assert "Căn cứ Nghị định 152/2025/NĐ-CP;" in text
    assert "......, ngày 03 tháng 02 năm 2026" in text  # no place set yet
    with in_app():
        version = db.session.get(Unit, ministry_id).version
    stale = client.post(f"/documents/letterhead/{ministry_id}", data={
        "version": str(version - 1), "place_name": "Huế"})
    assert stale.status_code == 409
    response = client.post(f"/documents/letterhead/{ministry_id}", data={
        "version": str(version), "place_name": "Đà Nẵng", "letterhead": "Bộ Công Thương",
        "sign_for": "TL. Bộ trưởng", "signer_title": "Chánh Văn phòng"})
    assert response.status_code == 302
    text = _text(client.get(f"/decisions/{decision_id}/draft.docx").data)
    assert "Đà Nẵng, ngày 03 tháng 02 năm 2026" in text and "Huế" not in text
    assert "BỘ CÔNG THƯƠNG\nVĂN PHÒNG BỘ CÔNG THƯƠNG" in text
    assert "TL. BỘ TRƯỞNG\nCHÁNH VĂN PHÒNG" in text
    assert "Về việc khen thưởng\nBỘ TRƯỞNG VĂN PHÒNG BỘ CÔNG THƯƠNG" in text
    with in_app() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "unit.letterhead"))
        assert event is not None and "Đà Nẵng" in event.after


def test_a_union_unit_without_letterhead_prints_its_parent_above_its_name(world, login,
                                                                          in_app):
    with in_app():
        decision_id = _draft_decision(world.branch_a.id, "03/QĐ-CĐHC")
    text = _text(login("tochuc").get(f"/decisions/{decision_id}/draft.docx").data)
    assert "CÔNG ĐOÀN CÔNG THƯƠNG VIỆT NAM\nCÔNG ĐOÀN TẬP ĐOÀN HÓA CHẤT" in text
    assert "TM. BAN THƯỜNG VỤ\nCHỦ TỊCH" in text


# --- replacing templates ---------------------------------------------------------------------

def _docx_with(text: str) -> bytes:
    """The default union decision with one more paragraph."""
    document = Document(io.BytesIO(build("union", "decision")))
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(client, unit_id: int, data: bytes, name: str = "mau.docx", kind: str = "decision"):
    return client.post(f"/documents/templates/{unit_id}/{kind}",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_an_organiser_replaces_downloads_and_resets_a_template(world, login, in_app):
    with in_app():
        decision_id = _draft_decision(world.top.id, "09/QĐ-CĐCT")
    client = login("tochuc")
    shipped = client.get(f"/documents/templates/{world.top.id}/decision.docx")
    assert shipped.status_code == 200
    assert shipped.data == default_path("union", "decision").read_bytes()
    response = _upload(client, world.top.id, _docx_with("Mẫu riêng của {{ unit.name }}"),
                       "Mẫu quyết định.docx")
    assert response.status_code == 302
    text = _text(client.get(f"/decisions/{decision_id}/draft.docx").data)
    assert "Mẫu riêng của Công đoàn Công Thương Việt Nam" in text
    current = client.get(f"/documents/templates/{world.top.id}/decision.docx").data
    assert b"word/document.xml" in current and current != shipped.data
    page = client.get(f"/documents/templates?unit={world.top.id}").get_data(as_text=True)
    assert "Mẫu quyết định.docx" in page
    with in_app() as session:
        event = session.scalar(select(AuditEvent).where(
            AuditEvent.action == "document_template.replace"))
        assert event.actor_id is not None
        assert "Mẫu quyết định.docx" in event.after
    assert client.post(f"/documents/templates/{world.top.id}/decision/reset").status_code == 302
    text = _text(client.get(f"/decisions/{decision_id}/draft.docx").data)
    assert "Mẫu riêng" not in text and "QUYẾT ĐỊNH" in text
    assert client.get(f"/documents/templates/{world.top.id}/decision.docx").data \
        == shipped.data


def _not_a_zip() -> bytes:
    return b"Day khong phai tai lieu Word"


def _zip_without_word() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return out.getvalue()


@pytest.mark.parametrize(("data", "reason"), [
    (_not_a_zip(), "không phải là tài liệu Word"),
    (_zip_without_word(), "không phải là tài liệu Word"),
    (lambda: _docx_with("{{ unit.name "), "không hợp lệ"),
    (lambda: _docx_with("{% for x in rows %}không đóng vòng lặp"), "không hợp lệ"),
    (lambda: _docx_with("{{ ten_khong_co }}"), "ten_khong_co"),
    (lambda: _docx_with("{{ unit.khong_co }}"), "khong_co"),
    (lambda: _docx_with("{{ unit.__class__.__mro__ }}"), "không được phép"),
])
def test_a_broken_template_is_refused_with_its_reason_and_the_old_one_kept(
        data, reason, world, login, in_app):
    with in_app():
        decision_id = _draft_decision(world.top.id, "11/QĐ-CĐCT")
    client = login("tochuc")
    assert _upload(client, world.top.id, _docx_with("Mẫu đang dùng")).status_code == 302
    response = _upload(client, world.top.id, data() if callable(data) else data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Mẫu bị từ chối, mẫu đang dùng được giữ nguyên" in page and reason in page
    assert "Mẫu đang dùng" in _text(client.get(f"/decisions/{decision_id}/draft.docx").data)
    with in_app() as session:
        replaced = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "document_template.replace")).all()
        assert len(replaced) == 1


@pytest.mark.parametrize(("body", "shown"), [
    ("{{ foo( QUYẾT ĐỊNH", "QUYẾT ĐỊNH"),
    ("{{ khong_co.ten }}", "khong_co"),
    ("{{ 1 | khongco }}", "khongco"),
    ("{{ 1 / 0 }}", "không điền được"),
    ("{{ ''.__class__ }}", "__class__"),
])
def test_the_refusal_is_said_in_vietnamese_not_in_jinjas_english(body, shown, world, login):
    response = _upload(login("tochuc"), world.top.id, _docx_with(body))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert shown in page.replace("Không điền", "không điền")
    for english in ("expected token", "is undefined", "No filter named", "division by zero",
                    "unsafe", "has no attribute"):
        assert english not in page, english


@pytest.mark.parametrize("body", [
    "{% for a in range(99999) %}{% for b in range(99999) %}x{% endfor %}{% endfor %}",
    "{% for a in range(9999) %}{% for b in range(9999) %}{% endfor %}{% endfor %}",
    "{% for a in 'x' * 9999 %}{% for b in 'x' * 9999 %}{% endfor %}{% endfor %}",
    "{{ 'x' * 10**10 }}",
    "{{ [1] * 10**8 }}",
    "{{ 2 ** 100000000 }}",
    "{% for a in range(9000) %}{{ 'x' * 9000 }}{% endfor %}",
    "{{ 'x'.ljust(10**9) }}",
    "{{ 'x' | center(10**9) }}",
    "{{ '%999999999s' | format(1) }}",
    "{{ '%*s' % (10**9, 'x') }}",
    "{{ '{:999999999}'.format(1) }}",
    "{{ '{:{}}'.format(1, 10**9) }}",
])
def test_a_template_that_would_freeze_the_server_is_refused(body, world, login, in_app):
    """Each of these runs for minutes or takes gigabytes without the limits; the test only
    has to finish, with the refusal and the template in use kept."""
    with in_app():
        decision_id = _draft_decision(world.top.id, "12/QĐ-CĐCT")
    client = login("tochuc")
    assert _upload(client, world.top.id, _docx_with("Mẫu đang dùng")).status_code == 302
    response = _upload(client, world.top.id, _docx_with(body))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Mẫu bị từ chối, mẫu đang dùng được giữ nguyên" in page
    assert "quá nhiều" in page
    assert "Mẫu đang dùng" in _text(client.get(f"/decisions/{decision_id}/draft.docx").data)


def _bare_docx(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_document_render_is_bounded_too():
    """The limits hold for every render, not only the check at upload."""
    with pytest.raises(rendering.TooLarge):
        rendering.render(_bare_docx("{{ 'x' * 10**10 }}"), {})


def test_modest_loops_and_arithmetic_still_render():
    data = _bare_docx("{% for i in range(3) %}[{{ i }}]{% endfor %} {{ '-' * 5 }} {{ 2 ** 10 }} "
                      "{% for c in 'ab' %}{{ loop.index }}{{ c }}{% endfor %} {{ '%05d' % 7 }} "
                      "{{ '{:>4}'.format(12) }} {{ 'a'.ljust(3, '.') }} {{ '%s-%s'|format(1, 2) }}")
    text = _text(rendering.render(data, {}))
    assert "[0][1][2] ----- 1024 1a2b 00007   12 a.. 1-2" in text


def test_a_file_not_named_docx_is_refused(world, login):
    response = _upload(login("tochuc"), world.top.id, _docx_with("x"), "mau.doc")
    assert response.status_code == 400 and ".docx" in response.get_data(as_text=True)


def test_a_unit_cannot_touch_another_units_templates(world, login, in_app):
    with in_app():
        decision_id = _draft_decision(world.top.id, "12/QĐ-CĐCT")
    branch = login("tochuc_a")  # organiser of CD-A only
    good = _docx_with("Mẫu của CD-A")
    for unit_id in (world.top.id, world.branch_b.id):
        assert _upload(branch, unit_id, good).status_code == 404
        assert branch.get(f"/documents/templates/{unit_id}/decision.docx").status_code == 404
        assert branch.post(f"/documents/templates/{unit_id}/decision/reset").status_code == 404
        assert branch.post(f"/documents/letterhead/{unit_id}",
                           data={"version": "1", "place_name": "X"}).status_code == 404
        assert branch.get(f"/documents/templates?unit={unit_id}").status_code == 404
    assert _upload(branch, world.branch_a.id, good).status_code == 302  # its own
    assert "Mẫu của CD-A" not in _text(
        login("tochuc").get(f"/decisions/{decision_id}/draft.docx").data)
    assert login("donvi1").get("/documents/templates").status_code == 403
    assert _upload(login("donvi1"), world.unit1.id, good).status_code == 403
    with in_app() as session:
        top = session.get(Unit, world.top.id)
        assert top.place_name == ""
        templates = session.scalars(select(AuditEvent.object_id).where(
            AuditEvent.action == "document_template.replace")).all()
        assert len(templates) == 1


def test_every_shipped_template_renders_its_sample_and_the_generator_rebuilds_them(tmp_path,
                                                                                   app):
    from emulation.awards.documents import services
    from emulation.awards.documents.defaults import build_all

    written = build_all(tmp_path)
    assert len(written) == 2 * len(services.KINDS)
    with app.test_request_context():
        for path in written:
            style, kind = path.parent.name, path.stem
            shipped = default_path(style, kind).read_bytes()
            rendering.check(shipped, services.sample_context(kind))
            # the committed file says what the generator writes (zip dates aside)
            assert _document_xml(shipped) == _document_xml(path.read_bytes()), path


def _document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml")


def test_the_values_are_escaped_in_the_document(world, login, in_app):
    with in_app():
        decision_id = _draft_decision(world.top.id, "13/QĐ-CĐCT")
        from emulation.awards.decisions.models import Decision

        db.session.get(Decision, decision_id).signer = "Lê <b>&amp; \x01Ký"
        db.session.commit()
    response = login("tochuc").get(f"/decisions/{decision_id}/draft.docx")
    assert "Lê <b>&amp; Ký" in _text(response.data)


# --- the yearly statistics report ------------------------------------------------------------

def test_the_yearly_report_counts_by_award_level_and_kind_with_cash(world, login, in_app):
    from emulation.awards.catalogue.data import seed
    from emulation.awards.records.models import AwardRecord

    with in_app():
        seed(db.session)
        rows = [("LDTT", world.person1.id, None, 2026, 710_000, "regular", False),
                ("LDTT", world.person2.id, None, 2026, 710_000, "regular", False),
                ("BK_BO", world.person1.id, None, 2026, 3_510_000, "thematic", False),
                ("TTLDXS", None, world.unit1.id, 2026, 3_510_000, "regular", False),
                ("BK_BO", None, world.unit2.id, 2026, None, "one_off", False),
                ("LDTT", world.person2.id, None, 2025, 540_000, "regular", False),
                ("CSTDCS", world.person2.id, None, 2026, 2_340_000, "regular", True),
                ("XYZ_CU", None, world.unit3.id, 2026, 100_000, "regular", False)]
        for code, person, unit, year, cash, kind, revoked in rows:
            db.session.add(AwardRecord(award_code=code, person_id=person, unit_id=unit,
                                       year=year, cash_amount=cash, kind=kind,
                                       revoked=revoked, counted_unit_id=unit or world.unit1.id))
        db.session.commit()
    client = login("xem")
    assert "/honours/report.xlsx" in client.get("/honours/?year=2026").get_data(as_text=True)
    response = client.get("/honours/report.xlsx?year=2026")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    by_award, by_level, by_kind = book.worksheets
    values = [[c.value for c in row] for row in by_award.iter_rows(min_row=2)]
    table = {row[1]: row for row in values[:-1]}
    assert set(table) == {"LDTT", "BK_BO", "TTLDXS", "XYZ_CU"}  # 2025 and revoked left out
    assert table["LDTT"][2] == "Lao động tiên tiến" and table["LDTT"][5:] == [2, 0, 2, 1_420_000]
    assert table["BK_BO"][5:] == [1, 1, 2, 3_510_000]
    assert table["XYZ_CU"][2] == "XYZ_CU"  # not in the catalogue: counted under its code
    assert values[-1][0] == "Tổng cộng" and values[-1][-4:] == [3, 3, 6, 8_540_000]
    assert by_award.cell(1, 9).value == "Tiền thưởng (đồng)"
    kinds = {row[1]: row[2:] for row in ([c.value for c in r]
                                         for r in by_kind.iter_rows(min_row=2))}
    assert kinds == {"Thường xuyên (hằng năm)": [2, 2, 4, 5_030_000],
                     "Theo chuyên đề": [1, 0, 1, 3_510_000], "Đột xuất": [0, 1, 1, 0],
                     None: [3, 3, 6, 8_540_000]}
    levels = [[c.value for c in r] for r in by_level.iter_rows(min_row=2)]
    assert levels[-1][0] == "Tổng cộng" and levels[-1][-4:] == [3, 3, 6, 8_540_000]
    assert sum(row[-1] for row in levels[:-1]) == 8_540_000
    assert "Không có trong danh mục" in [row[1] for row in levels]  # XYZ_CU


def test_the_command_writes_every_default_template(runner, tmp_path):
    result = runner.invoke(args=["build-document-templates", "--folder", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.docx"))
    assert len(written) == 12 and "union/report_individual.docx" in written
    assert "state/decision.docx" in written and str(tmp_path) in result.output
