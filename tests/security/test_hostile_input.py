"""Each input that answered a server error (issue 13, "No 5xx from any input", and the scores)
is refused with a 4xx and a message, writes nothing, or is written out safely.
The fuzzer (tests/test_crawler.py) sends the same values to every field; these are the
attacks one by one, with the answer each one must get."""
import io
import json
from datetime import date
from decimal import Decimal

import docx
import openpyxl
import pytest
from sqlalchemy import select

from emulation.core.backup import fingerprint
from emulation.core.forms import storable_text
from emulation.core.numbers import parse_number
from emulation.core.permissions import SYSTEM
from emulation.core.text import clean, clean_block, has_unstorable, xml_safe
from emulation.org.models import Person, Unit
from tests.fuzz_values import damaged_csvs, damaged_office, damaged_workbooks
from tests.test_access_matrix import probe_ids
from tests.test_crawler import BOOKKEEPING, _token


def _state(app):
    with app.app_context():
        return {k: v for k, v in fingerprint().items() if k not in BOOKKEEPING}


# --- texts no field keeps ----------------------------------------------------------------

@pytest.mark.parametrize("text", ["a\x00b", "Tên\uffff", "\ufffe", "x\ud800y", "a\x1bb",
                                  "a\x85b", "\U0001fffe", "\ufdd0"])
def test_unstorable_characters_are_known_and_removed(text):
    assert has_unstorable(text)
    assert not has_unstorable(clean(text)) and not has_unstorable(clean_block(text, 99))
    assert not has_unstorable("Nguyễn Văn A\r\n\tdòng 2 ✓ 😀")


def test_xml_safe_keeps_what_word_and_excel_can_hold():
    assert xml_safe("A\x00B\uffff\ud800C\x0bD\nE\tF") == "ABCD\nE\tF"


def test_u_ffff_in_a_name_gives_readable_word_and_excel_files(world, cworld, login, in_app):
    """Data that got in before the forms refused it (or by another path) still gives files
    Word and Excel can open: every text written into them goes through xml_safe."""
    with in_app() as session:
        ids = probe_ids(world, cworld)
        person = session.get(Person, world.person1.id)
        person.full_name = "Nguyễn\uffff Văn\x0b A"
        session.get(Unit, world.unit1.id).name = "Đơn vị\ufffe 1"
        session.commit()
    admin = login("admin")
    for url in (f"/meetings/{ids['meeting']}/memo.docx",
                f"/meetings/{ids['closed_meeting']}/minutes.docx",
                f"/decisions/{ids['decision']}/draft.docx"):
        response = admin.get(url)
        assert response.status_code == 200, url
        document = docx.Document(io.BytesIO(response.data))
        text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
        if "memo" in url or "draft" in url:
            assert "Nguyễn Văn A" in text, url
    for url in ("/people/export.xlsx", f"/decisions/{ids['decision']}/annex.xlsx",
                f"/meetings/{ids['meeting']}/list.xlsx"):
        response = admin.get(url)
        assert response.status_code == 200, url
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        cells = [c.value for s in book.worksheets for r in s.iter_rows() for c in r]
        assert "Nguyễn Văn A" in cells, url


def test_forms_refuse_unstorable_text_with_a_message(world, cworld, login, app, in_app):
    """NUL (PostgreSQL refuses it), U+FFFF (Word refuses it) in a reason or a name: 400 with
    the message, nothing written."""
    with in_app():
        ids = probe_ids(world, cworld)
    tochuc = login("tochuc")
    before = _state(app)
    for text in ("Thiếu\x00 chỉ tiêu", "Tên\uffff"):
        posts = [(f"/pledges/{ids['pledge']}/return", {"version": "1", "reason": text}),
                 (f"/nominations/{ids['published_nomination']}/objections", {"text": text}),
                 (f"/units/{world.unit1.id}/edit", {"version": "1", "name": text,
                                                    "kind": "other"}),
                 ("/units/new", {"code": "MOI", "name": text, "parent_code": world.top.code,
                                 "kind": "other"})]
        for url, form in posts:
            response = tochuc.post(url, data=form)
            assert response.status_code == 400, url
            page = (tochuc.get(response.location) if response.location else response)
            assert "ký tự điều khiển" in page.get_data(as_text=True), url
    assert _state(app) == before


def test_objection_and_resolution_services_keep_no_nul(world, cworld, in_app):
    from emulation.awards.decisions import services as ds

    with in_app():
        assert clean_block("Ý kiến\x00 khác", 100) == "Ý kiến khác"
        assert ds.clean_block is clean_block  # the reasons and objections go through it


def test_storable_text_is_a_validator_of_every_text_field(app):
    from emulation.awards.decisions.forms import ObjectionForm
    from emulation.org.forms import UnitCreateForm

    with app.test_request_context():
        for form in (ObjectionForm(formdata=None), UnitCreateForm(formdata=None)):
            for field in form:
                if field.type in ("StringField", "TextAreaField"):
                    assert field.validators[0] is storable_text, field.name


# --- numbers ----------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["sNaN", "NaN", "Infinity", "-Infinity", "1e1", "1E+1",
                                   "١٠", "１０", "1_0", "0x10", "10.00000000000000000001",
                                   "9" * 5000, "-5", "1.2.3", "12,345"])
def test_decimal_fields_refuse_what_is_not_a_plain_number(value, world, cworld, login, app,
                                                          in_app):
    """sNaN used to raise InvalidOperation (500); NaN, exponents, other scripts' digits and
    more decimals than the column holds were accepted or rounded."""
    tochuc = login("tochuc")
    before = _state(app)
    response = tochuc.post(f"/campaigns/{cworld.campaign}/criteria", data={
        "code": "TC9", "title": "Tiêu chí", "max_points": value, "weight": "1",
        "kind": "regular"}, follow_redirects=True)
    assert response.status_code == 400, value
    page = response.get_data(as_text=True)
    assert ("Không phải số thập phân hợp lệ" in page or "chữ số thập phân" in page
            or (value == "-5" and "không nhập số âm" in page)), value  # refused as negative
    assert _state(app) == before


def test_decimal_fields_read_the_locales_separator(world, cworld, login, in_app):
    from emulation.campaigns.models import Criterion

    tochuc = login("tochuc")
    response = tochuc.post(f"/campaigns/{cworld.campaign}/criteria", data={
        "code": "TC9", "title": "Tiêu chí", "max_points": "12,5", "weight": "0,5",
        "kind": "regular"})
    assert response.status_code == 302
    with in_app() as session:
        criterion = session.scalar(select(Criterion).where(Criterion.code == "TC9"))
        assert (criterion.max_points, criterion.weight) == (Decimal("12.5"), Decimal("0.5"))


def test_scores_are_checked_as_typed_never_rounded_first(world, cworld, in_app):
    """`10.00000000000000000001` was rounded to 10 and saved under a maximum of 10; `١٠` was
    read as 10; the message said `1E+1`."""
    from emulation.campaigns.models import Campaign
    from emulation.core.errors import ServiceError
    from emulation.scoring import services as sc
    from emulation.scoring.models import ScoreSheet

    with in_app() as session:
        sheet = session.get(ScoreSheet, cworld.sheet)
        criterion = session.get(Campaign, cworld.campaign).criteria[0]
        on = date(2026, 11, 20)
        for typed in ("10,00000000000000000001", "10.00000000000000000001", "١٠", "１٠",
                      "1e1", "sNaN"):
            with pytest.raises(ServiceError):
                sc.save_sheet(SYSTEM, sheet, sheet.version, {criterion.id: (typed, "")}, on)
            session.rollback()
        with pytest.raises(ServiceError) as refused:
            sc.save_sheet(SYSTEM, sheet, sheet.version, {criterion.id: ("11", "")}, on)
        assert "tối đa 10 điểm" in refused.value.message and "E+" not in refused.value.message
        session.rollback()
        sc.save_sheet(SYSTEM, sheet, sheet.version, {criterion.id: ("10", "")}, on)
        assert sheet.scores[0].points == Decimal(10)


def test_parse_number_takes_ascii_digits_and_the_exact_value():
    assert parse_number("12,5", "vi") == Decimal("12.5")
    assert parse_number("1.234,5", "vi") == Decimal("1234.5")
    assert parse_number("-3,5", "vi", signed=True) == Decimal("-3.5")
    for typed in ("١٠", "１０", "1e1", "sNaN", "1_000", "1.2.3", "+1", "- 1"):
        with pytest.raises(ValueError):
            parse_number(typed, "vi")
    with pytest.raises(ValueError) as refused:
        parse_number("7,25", "vi", places=1)
    assert refused.value.places == 1


def test_integer_fields_take_ascii_digits_within_the_database_integer(app):
    """WTForms' IntegerField is int(): `١٠`, `１０` and `1_0` were read as 10."""
    from werkzeug.datastructures import MultiDict

    from emulation.core.forms import Form, IntegerField

    class Numbers(Form):
        n = IntegerField()

    with app.test_request_context():
        for value in ("١٠", "１０", "1_0", " 1 0", "9" * 5000, "2147483648", "1e1", "0x10"):
            form = Numbers(formdata=MultiDict({"n": value}), meta={"csrf": False})
            assert not form.validate() and form.n.data is None, value
        form = Numbers(formdata=MultiDict({"n": "-12"}), meta={"csrf": False})
        assert form.validate() and form.n.data == -12


def test_integer_fields_refuse_other_scripts_and_out_of_range(world, cworld, login, app):
    tochuc = login("tochuc")
    before = _state(app)
    for value in ("١", "２", "1_0", "9" * 5000, "99999999999", "-1", "1e3"):
        response = tochuc.post(f"/campaigns/{cworld.campaign}/periods", data={
            "label": "Kỳ", "year": value, "deadline": "2026-12-31"}, follow_redirects=True)
        assert response.status_code == 400, value
    assert _state(app) == before


def test_number_messages_are_written_by_babel(app, world, cworld, login):
    """WTForms wrote its bounds with str() (`1000`, `1E+3`): ours writes them as the reader
    does (`1.000` in Vietnamese)."""
    response = login("tochuc").post(f"/campaigns/{cworld.campaign}/scoring/adjustments",
                                    data={"unit_code": world.unit1.code, "points": "1001",
                                          "reason": "x"}, follow_redirects=True)
    assert response.status_code == 400
    assert "-1.000" in response.get_data(as_text=True)
    assert "1.000" in response.get_data(as_text=True)


# --- dates ------------------------------------------------------------------------------

def test_extreme_dates_are_refused_with_a_message(world, cworld, login, app, in_app):
    """0001-01-01 in the audit filter overflowed date arithmetic (500)."""
    admin = login("admin")
    for day in ("0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"):
        response = admin.get(f"/admin/audit/?from={day}&to={day}")
        assert response.status_code == 200, day
        assert "Hãy nhập một ngày từ" in response.get_data(as_text=True), day
    with in_app():
        ids = probe_ids(world, cworld)
    thuky = login("thuky")
    before = _state(app)
    for day in ("0001-01-01", "9999-12-31"):
        response = thuky.post(f"/councils/{ids['council']}/meetings",
                                       data={"title": "Họp", "held_on": day},
                                       follow_redirects=True)
        assert response.status_code == 400, day
        assert "Hãy nhập một ngày từ" in response.get_data(as_text=True)
    assert _state(app) == before


# --- the API ----------------------------------------------------------------------------

def test_api_refuses_deep_json_huge_numbers_and_lone_surrogates(world, app, client):
    token = _token(app, "tochuc")
    headers = {**token, "Content-Type": "application/json"}
    before = _state(app)
    bodies = {
        "10,000 levels": "[" * 10_000 + "]" * 10_000,
        "10,000 levels of objects": '{"a":' * 10_000 + "1" + "}" * 10_000,
        "5,000 digits": '{"code": "X1", "name": "Một", "parent_id": ' + "9" * 5000 + "}",
        "lone surrogate": '{"code": "X1", "name": "M\\ud800t", "parent_id": 1}',
        "NUL": '{"code": "X\\u0000", "name": "Một", "parent_id": 1}',
        "U+FFFF in a key": '{"code\\uffff": "X1", "name": "Một", "parent_id": 1}',
    }
    for case, body in bodies.items():
        response = client.post("/api/v1/units", data=body, headers=headers)
        assert response.status_code in (400, 422), case
        problem = response.get_json()
        assert problem["status"] == response.status_code and problem["detail"], case
    response = client.get("/api/v1/units?q=a%00b", headers=token)
    assert response.status_code == 422 and "q" in json.dumps(response.get_json()["errors"])
    for birth in ("0001-01-01", "9999-12-31"):
        response = client.post("/api/v1/people", headers=token, json={
            "code": "P1", "full_name": "Một", "unit_id": world.unit1.id, "birth_date": birth})
        assert response.status_code == 422, birth
    assert _state(app) == before


# --- damaged uploads ---------------------------------------------------------------------

IMPORTS = ("/units/import", "/people/import", "/records/import/appraisals")


def test_damaged_spreadsheets_are_refused_with_a_message(world, login, app):
    """A workbook with no sheet, broken XML inside or a truncated UTF-16 CSV raised
    IndexError, ParseError or UnicodeDecodeError (500)."""
    admin = login("admin")
    before = _state(app)
    files = {**{f"{k}.xlsx": v for k, v in damaged_workbooks().items()},
             **{f"{k}.csv": v for k, v in damaged_csvs().items()}}
    for url in IMPORTS:
        for name, data in files.items():
            response = admin.post(url, data={"file": (io.BytesIO(data), name)},
                                  content_type="multipart/form-data")
            assert response.status_code == 400, (url, name)
            assert "alert-danger" in response.get_data(as_text=True), (url, name)
    assert _state(app) == before


def test_damaged_attachments_never_answer_a_server_error(world, cworld, login):
    c = login("donvi1")
    url = f"/reports/{cworld.report}/items/{cworld.report_item}/evidence"
    for kind in ("docx", "pdf"):
        response = c.post(url, data={"file": (io.BytesIO(damaged_office(kind)), f"x.{kind}")},
                          content_type="multipart/form-data")
        assert response.status_code in (302, 400), kind


# --- found by the fuzzer ----------------------------------------------------------------

def test_id_lists_take_ascii_ids_only(world, cworld, login, app, in_app):
    """`²`.isdigit() is true and int("²") raises; 5,000 digits exceed Python's int limit: each
    was a 500 in the attendance and decision forms."""
    with in_app():
        ids = probe_ids(world, cworld)
    thuky, tochuc = login("thuky"), login("tochuc")
    for value in ("²", "9" * 5000, "١", "99999999999"):
        response = thuky.post(f"/meetings/{ids['meeting']}/attendance",
                              data={"version": "1", "member": [value]})
        assert response.status_code < 500, value  # bad ids are ignored: nobody is present
        before = _state(app)
        response = tochuc.post("/decisions/new", data={
            "number": "9/QĐ", "signed_on": "2026-12-01", "signer": "A",
            "unit_code": world.top.code, "nomination": [value]})
        assert 400 <= response.status_code < 500, value
        assert _state(app) == before
    from emulation.core.web import ids_from

    assert ids_from(["12", "²", "١", "9" * 5000, "-1", "0", "2147483648", " 3"]) == [12]


def test_rule_parameters_with_a_huge_number_are_refused(world, login, in_app):
    from emulation.awards.catalogue.data import seed

    with in_app() as session:
        seed(session)
        session.commit()
    response = login("admin").post("/awards/CSTDCS/rules", data={
        "kind": "appraisal", "subject": "both", "params": '{"min": ' + "9" * 5000 + "}"},
        follow_redirects=True)
    assert response.status_code == 400
    assert "JSON" in response.get_data(as_text=True)


def test_a_quota_saved_from_its_page_without_a_note(world, login, in_app):
    """The quota form's page has no note field: the missing note was a NOT NULL error."""
    from emulation.awards.catalogue.data import seed
    from emulation.awards.catalogue.models import AwardQuota

    with in_app() as session:
        seed(session)
        session.commit()
    response = login("admin").post("/awards/CSTDCS/quotas", data={
        "of_code": "LDTT", "max_pct": "15", "legal_reference": "Điều 23"})
    assert response.status_code == 302
    with in_app() as session:
        quota = session.scalar(select(AwardQuota).order_by(AwardQuota.id.desc()))
        assert (quota.max_pct, quota.note) == (Decimal(15), "")


def test_no_form_uses_wtforms_own_number_or_date_fields():
    """WTForms' DecimalField reads `sNaN` and `1e1`, its IntegerField `١٠`, its DateField the
    year 1: every form takes these fields from core.forms."""
    import pathlib
    import re

    offenders = []
    for path in pathlib.Path("emulation").rglob("*.py"):
        if path.as_posix() == "emulation/core/forms.py":
            continue
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"from wtforms(?:\.validators)? import (\([^)]*\)|[^\n]*)", text):
            if re.search(r"\b(DateField|DecimalField|IntegerField|NumberRange)\b", block):
                offenders.append(path.as_posix())
    assert not offenders, offenders


@pytest.mark.parametrize("url", [
    "/people/{person}/eligibility?award=a%00b&year=2025",
    "/people/?q=a%00b",
    "/honours/?award=a%00b",
])
def test_a_nul_byte_in_the_address_is_a_clean_400(url, world, login, app):
    """PostgreSQL refuses NUL in text: `?award=a%00b` on the eligibility page was a 500 there
    (the crawler's fuzzer on PostgreSQL). Every page refuses it before reading it; the API's
    query schemas answer it themselves (422, tested above); in the path it is no page (404)."""
    response = login("admin").get(url.format(person=world.person1.id))
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    assert login("admin").get("/awards/LD%00TT").status_code == 404
