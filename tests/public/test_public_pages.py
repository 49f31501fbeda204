"""Public pages: off by default (404, not linked), turned on by an administrator (audited); the
public roll shows nothing personal and searches without accents; the self-check judges a
typed record with the eligibility engine, is rate-limited and stores nothing."""
from __future__ import annotations

import html as html_lib
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from emulation.awards.catalogue.data import seed
from emulation.awards.catalogue.models import AwardType
from emulation.awards.decisions.models import Decision, DecisionItem
from emulation.awards.nominations.models import Nomination
from emulation.awards.records.models import Appraisal, AwardRecord
from emulation.core.audit import AuditEvent
from emulation.core.permissions import SYSTEM
from emulation.extensions import db, limiter
from emulation.public import services

ROLL = "/public/honours/"
CHECK = "/public/self-check"


@pytest.fixture
def catalogue(world, in_app):
    with in_app() as session:
        seed(session)
        session.commit()


def _turn_on(in_app, **switches):
    with in_app():
        services.set_switches(SYSTEM, {services.HONOUR_ROLL: switches.get("roll", True),
                                       services.SELF_CHECK: switches.get("check", True)})


def _row_counts(session) -> dict[str, int]:
    return {t.name: session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables}


def test_public_pages_are_off_by_default_answer_404_and_are_not_linked(world, client, catalogue):
    assert client.get(ROLL).status_code == 404
    assert client.get(CHECK).status_code == 404
    assert client.post(CHECK, data={"award": "LDTT", "year": "2025"}).status_code == 404
    login_page = client.get("/login").get_data(as_text=True)
    assert ROLL not in login_page and CHECK not in login_page


def test_a_post_to_the_self_check_when_off_is_404_even_with_csrf_checked(world, client, app,
                                                                         catalogue, in_app):
    """Off, the page does not exist for any method (not a 400 for a missing form token);
    on, a post without the token is refused as a form from elsewhere."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(CHECK, data={"award": "LDTT", "year": "2025"}).status_code == 404
        _turn_on(in_app)
        refused = client.post(CHECK, data={"award": "LDTT", "year": "2025"})
        assert refused.status_code == 400
        assert "biểu mẫu" in refused.get_data(as_text=True).lower()
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_an_administrator_turns_them_on_audited_and_they_are_linked(world, login, client,
                                                                    catalogue, in_app):
    admin = login("admin")
    page = admin.get("/admin/public-pages")
    assert page.status_code == 200 and "Trang công khai" in page.get_data(as_text=True)
    assert 'name="shown" type="hidden" value="00"' in page.get_data(as_text=True)
    assert admin.post("/admin/public-pages", data={"honour_roll": "y",
                                                   "shown": "00"}).status_code == 302
    with in_app() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "settings.change"))
        assert event.before_data == {services.HONOUR_ROLL: False}
        assert event.after_data == {services.HONOUR_ROLL: True}
    assert client.get(ROLL).status_code == 200
    assert client.get(CHECK).status_code == 404  # only the roll was turned on
    login_page = client.get("/login").get_data(as_text=True)
    assert ROLL in login_page and CHECK not in login_page
    # saving the same switches again changes and audits nothing
    assert admin.post("/admin/public-pages", data={"honour_roll": "y",
                                                   "shown": "10"}).status_code == 302
    with in_app() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "settings.change")) == 1


def test_a_save_from_a_page_older_than_another_change_is_refused(world, login, in_app):
    admin = login("admin")
    _turn_on(in_app, check=False)  # another administrator, after this page was loaded
    stale = admin.post("/admin/public-pages", data={"self_check": "y", "shown": "00"})
    assert stale.status_code == 409 and "Quản trị viên khác" in stale.get_data(as_text=True)
    for incomplete in ({}, {"honour_roll": "y"}, {"shown": "2"}):
        assert admin.post("/admin/public-pages", data=incomplete).status_code == 400
    with in_app():
        assert services.switches() == {services.HONOUR_ROLL: True, services.SELF_CHECK: False}


def test_only_an_administrator_sets_them(world, login, in_app):
    officer = login("donvi1")
    assert officer.get("/admin/public-pages").status_code == 403
    assert officer.post("/admin/public-pages", data={"honour_roll": "y",
                                                     "self_check": "y"}).status_code == 403
    with in_app():
        assert services.switches() == {services.HONOUR_ROLL: False, services.SELF_CHECK: False}


@pytest.fixture
def roll(world, catalogue, in_app):
    """Person 1 (born 1980, appraised) holds CSTĐCS 2024 by decision 15/QĐ-CĐCT signed on
    20/12/2024 and an imported LĐTT 2023; person 2 a revoked LĐTT 2024; unit 2 a TTLĐTT."""
    with in_app() as session:
        session.add(Appraisal(person_id=world.person1.id, year=2024, level="excellent"))
        granted = AwardRecord(award_code="CSTDCS", person_id=world.person1.id, year=2024,
                              decision_number="15/QĐ-CĐCT", source="decision")
        session.add_all([
            granted,
            AwardRecord(award_code="LDTT", person_id=world.person1.id, year=2023,
                        decision_number="7/QĐ-CĐ"),
            AwardRecord(award_code="LDTT", person_id=world.person2.id, year=2024,
                        decision_number="9/QĐ", revoked=True),
            AwardRecord(award_code="TTLDTT", unit_id=world.unit2.id, year=2024,
                        decision_number="16/QĐ-CĐCT")])
        session.flush()
        award = session.scalar(select(AwardType).where(AwardType.code == "CSTDCS"))
        nomination = Nomination(award_type_id=award.id, year=2024, person_id=world.person1.id,
                                proposing_unit_id=world.unit1.id, level_unit_id=world.top.id,
                                state="on_agenda")
        session.add(nomination)
        session.flush()
        decision = Decision(number="15/QĐ-CĐCT", signed_on=date(2024, 12, 20),
                            signer="Chủ tịch", issuing_unit_id=world.top.id, state="issued",
                            base_salary=2340000)
        session.add(decision)
        session.flush()
        session.add(DecisionItem(decision_id=decision.id, nomination_id=nomination.id,
                                 award_record_id=granted.id))
        session.commit()
    _turn_on(in_app)


def test_the_roll_shows_year_award_name_unit_decision_and_nothing_personal(roll, client):
    page = client.get(ROLL)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Chiến sĩ thi đua cơ sở" in html and "CSTDCS" not in html  # the name, not the code
    assert "Nguyễn Văn Đức" in html and "Công đoàn Công ty DAP" in html
    assert "15/QĐ-CĐCT" in html and "7/QĐ-CĐ" in html
    assert "Công đoàn Công ty Thuốc lá Sài Gòn" in html  # the collective's award
    assert "Trần Thị Hằng" not in html  # her only award was revoked
    # nothing more personal: no birth date, code, gender, appraisal, no link to a record
    for personal in ("1980", ">P1<", "xuất sắc", "/eligibility", "/people/"):
        assert personal not in html


def test_the_roll_shows_the_decision_date_when_the_decision_was_issued_here(roll, client):
    html = client.get(ROLL).get_data(as_text=True)
    assert html.count("20/12/2024") == 1  # imported history has no date here


def test_the_roll_searches_without_accents_and_by_year(roll, client):
    html = client.get(ROLL, query_string={"q": "nguyen van duc"}).get_data(as_text=True)
    assert "Nguyễn Văn Đức" in html and "Thuốc lá Sài Gòn" not in html
    html = client.get(ROLL, query_string={"q": "THUOC LA"}).get_data(as_text=True)
    assert "Thuốc lá Sài Gòn" in html and "Nguyễn Văn Đức" not in html
    html = client.get(ROLL, query_string={"year": "2023"}).get_data(as_text=True)
    assert "7/QĐ-CĐ" in html and "15/QĐ-CĐCT" not in html
    html = client.get(ROLL, query_string={"q": "50%_"}).get_data(as_text=True)
    assert "Không có" in html or "No award" in html


def test_the_roll_is_paginated(roll, client, monkeypatch):
    monkeypatch.setattr(services, "ROLL_PER_PAGE", 2)
    first = client.get(ROLL).get_data(as_text=True)
    second = client.get(ROLL, query_string={"page": 2}).get_data(as_text=True)
    active = r'page-item active"><a class="page-link" href="[^"]*">%s<'
    assert re.search(active % 1, first) and re.search(active % 2, second)
    assert re.search(r"[34] bản ghi", first)  # the count, under its cap
    following = html_lib.unescape(re.search(r'rel="next" href="([^"#]+)"', first).group(1))
    assert "cursor=" in following  # the next page by key: the same rows as page 2
    by_key = client.get(following).get_data(as_text=True)
    assert by_key.split("<tbody>")[1].split("</tbody>")[0] == \
        second.split("<tbody>")[1].split("</tbody>")[0]
    assert "7/QĐ-CĐ<" not in first and "7/QĐ-CĐ<" in second  # 2023 comes last


def _record(year: int, appraisal: str = "good", **extra) -> dict:
    return {"award": "LDTT", "year": str(year), f"appraisal-{year}": appraisal, **extra}


def test_the_self_check_gives_the_verdict_with_its_reasons(world, catalogue, client, in_app):
    _turn_on(in_app)
    page = client.get(CHECK)
    assert page.status_code == 200 and 'name="appraisal-' in page.get_data(as_text=True)
    ok = client.post(CHECK, data=_record(2025))
    html = ok.get_data(as_text=True)
    assert ok.status_code == 200 and "alert-success self-check-verdict" in html
    assert "2025" in html and "list-group-item-success" in html
    failed = client.post(CHECK, data=_record(2025, "complete")).get_data(as_text=True)
    assert "alert-danger self-check-verdict" in failed and "list-group-item-danger" in failed
    disciplined = client.post(CHECK, data=_record(2025, **{"discipline-2025": "canh_cao"}))
    assert "alert-danger self-check-verdict" in disciplined.get_data(as_text=True)
    missing = client.post(CHECK, data={"award": "LDTT", "year": "2025"}).get_data(as_text=True)
    assert "alert-warning self-check-verdict" in missing  # no appraisal: not enough data


def test_the_self_check_uses_initiatives_and_titles_held(world, catalogue, client, in_app):
    _turn_on(in_app)
    data = {"award": "CSTDCS", "year": "2025", "appraisal-2025": "good"}
    without = client.post(CHECK, data=data).get_data(as_text=True)
    assert "alert-danger self-check-verdict" in without
    with_one = client.post(CHECK, data={**data, "grassroots-2025": "1"}).get_data(as_text=True)
    assert "alert-success self-check-verdict" in with_one


def test_the_self_check_refuses_a_wrong_record_with_the_reason(world, catalogue, client,
                                                               in_app):
    _turn_on(in_app)
    for bad in ({"appraisal-2025": "perfect"}, {"grassroots-2025": "-1"},
                {"grassroots-2025": "99"}, {"award-2024": "NOPE"},
                {"discipline-2025": "x"}):
        page = client.post(CHECK, data={"award": "LDTT", "year": "2025", **bad})
        html = page.get_data(as_text=True)
        assert page.status_code == 400 and "self-check-errors" in html, bad
        assert "self-check-verdict" not in html
    assert client.post(CHECK, data={"award": "NOPE", "year": "2025"}).status_code == 400


def test_the_self_check_stores_nothing(world, catalogue, client, in_app):
    _turn_on(in_app)
    with in_app() as session:
        before = _row_counts(session)
    for data in (_record(2025), _record(2025, "complete"),
                 {"award": "CSTDCS", "year": "2025", "appraisal-2025": "excellent",
                  "award-2025": "LDTT", "grassroots-2025": "2"}):
        assert client.post(CHECK, data=data).status_code == 200
    with in_app() as session:
        assert _row_counts(session) == before


def test_the_self_check_is_rate_limited(world, catalogue, client, in_app, app):
    _turn_on(in_app)
    app.config["PUBLIC_CHECK_RATE_LIMIT"] = "2 per minute"
    limiter.reset()
    try:
        assert client.post(CHECK, data=_record(2025)).status_code == 200
        assert client.post(CHECK, data=_record(2025)).status_code == 200
        limited = client.post(CHECK, data=_record(2025))
        assert limited.status_code == 429 and "Retry-After" in limited.headers
        assert client.get(CHECK).status_code == 200  # reading the form is not limited
    finally:
        app.config["PUBLIC_CHECK_RATE_LIMIT"] = "100000 per minute"
        limiter.reset()


def test_odd_input_is_answered_not_a_server_error(world, catalogue, client, in_app):
    _turn_on(in_app)
    assert client.get(ROLL, query_string={"q": "x" * 500}).status_code == 200
    for query in ({"page": "-3"}, {"page": "10**9"}):  # said, not read as page 1
        refused = client.get(ROLL, query_string=query)
        assert refused.status_code == 400 and "không phải số trang" in refused.get_data(
            as_text=True), query
    for query in ({"year": "abc"}, {"year": "99999"}):  # said, not read as every year
        refused = client.get(ROLL, query_string=query)
        assert refused.status_code == 400 and "không phải là một năm" in refused.get_data(
            as_text=True), query
    for data in ({"award": "LDTT", "year": "abc"}, {"award": "LDTT", "year": "99999"},
                 {"award": "", "year": ""}, {"award": "LDTT", "year": "2025",
                                             "appraisal-2025": "good" * 1000}):
        assert client.post(CHECK, data=data).status_code == 400, data


def test_an_anonymous_visitor_cannot_turn_them_on(world, client, in_app):
    response = client.post("/admin/public-pages", data={"honour_roll": "y", "self_check": "y"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    with in_app():
        assert services.switches() == {services.HONOUR_ROLL: False, services.SELF_CHECK: False}


def test_the_self_check_asks_only_about_the_titles_some_rule_looks_for(world, catalogue,
                                                                       client, in_app):
    _turn_on(in_app)
    html = client.get(CHECK).get_data(as_text=True)
    asked = set(re.findall(r'name="award-\d+" value="([A-Z_]+)"', html))
    assert {"CSTDCS", "CSTD_BO", "BK_BO"} <= asked
    assert "KNC_CD" not in asked and "LDTT" not in asked  # no rule asks for these


def test_a_year_out_of_range_is_said_with_the_years_written_as_years(world, catalogue, client,
                                                                     in_app):
    _turn_on(in_app)
    html = client.post(CHECK, data={"award": "LDTT", "year": "1999"},
                       headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "2000" in html and "2100" in html
    assert "2.000" not in html and "2.100" not in html
