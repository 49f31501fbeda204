"""Reference data (issue 14 item 7): the base salary in force on the decision date, the
working calendar built on the `holidays` package with the government's swaps, and both
maintained by administrators from the web, the API and the command line, audited."""
from datetime import date as d
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from emulation.awards.catalogue.data import seed
from emulation.awards.decisions.cash import cash_amount
from emulation.awards.decisions.models import BaseSalary
from emulation.awards.decisions.services import base_salary_on
from emulation.core.audit import AuditEvent
from emulation.core.calendar import (
    Holiday,
    WorkingCalendar,
    add_working_days,
    holidays,
    statutory_holidays,
)
from emulation.extensions import db


@pytest.fixture
def seeded(ctx):
    seed(db.session)
    db.session.commit()


def _audits(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- base salary: Decree 152/2025 Art. 49, the base salary in force on the decision date ---

def test_art49_base_salary_in_force_on_the_decision_date(seeded):
    """2,340,000 VND until 30/06/2026, 2,530,000 VND from 01/07/2026 (Decree 161/2026)."""
    assert base_salary_on(d(2026, 6, 30)) == 2_340_000
    assert base_salary_on(d(2026, 7, 1)) == 2_530_000
    assert base_salary_on(d(2026, 12, 30)) == 2_530_000
    # LĐTT 0.3 × 2,530,000 = 759,000 → rounded up to 760,000 (was 710,000 on 2,340,000)
    assert cash_amount(Decimal("0.3"), base_salary_on(d(2026, 12, 30))) == 760_000
    assert cash_amount(Decimal("0.3"), base_salary_on(d(2026, 6, 30))) == 710_000
    row = db.session.scalar(select(BaseSalary).where(BaseSalary.amount == 2_530_000))
    assert "161/2026/NĐ-CP" in row.legal_reference and "as reported" in row.legal_reference


# --- the working calendar -------------------------------------------------------------------

def test_publication_across_new_year_2027_ends_on_8_january(seeded):
    calendar = holidays(db.session)
    # Thursday 24/12/2026 + 10 working days, 01/01/2027 skipped
    assert add_working_days(d(2026, 12, 24), 10, calendar) == d(2027, 1, 8)


def test_publication_across_tet_2027_skips_it(seeded):
    calendar = holidays(db.session)
    # Tết Đinh Mùi: 06/02/2027; days off Thu 04/02 – Wed 10/02 (weekend Tết days moved)
    for day in (d(2027, 2, 4), d(2027, 2, 5), d(2027, 2, 8), d(2027, 2, 9), d(2027, 2, 10)):
        assert not calendar.is_working_day(day) and day in calendar
    # Monday 01/02/2027 + 10 working days: 2, 3, 11, 12, 15–19, 22 February
    assert add_working_days(d(2027, 2, 1), 10, calendar) == d(2027, 2, 22)


def test_national_day_2026_swap_day_is_off_and_the_make_up_saturday_counts(seeded):
    calendar = holidays(db.session)
    assert not calendar.is_working_day(d(2026, 8, 31)) and d(2026, 8, 31) in calendar
    assert calendar.is_working_day(d(2026, 8, 22))  # Saturday, làm bù for 31/08
    assert add_working_days(d(2026, 8, 21), 1, calendar) == d(2026, 8, 22)
    # Friday 28/08 + 1: the weekend, 31/08, 01/09 and 02/09 are all off
    assert add_working_days(d(2026, 8, 28), 1, calendar) == d(2026, 9, 3)


def test_calendar_without_overrides_is_the_package_and_a_set_still_works(ctx):
    calendar = holidays(db.session)
    assert d(2027, 1, 1) in calendar and d(2026, 11, 24) in calendar
    assert calendar.is_working_day(d(2026, 8, 24)) and not calendar.is_working_day(
        d(2026, 8, 22))
    # callers that pass a plain set of holidays keep working
    assert add_working_days(d(2026, 8, 31), 2, {d(2026, 9, 1), d(2026, 9, 2)}) == d(2026, 9, 4)


def test_override_makes_a_package_holiday_a_working_day_and_adds_a_day_off():
    calendar = WorkingCalendar({d(2026, 11, 24): "working_day", d(2026, 12, 31): "day_off"})
    assert calendar.is_working_day(d(2026, 11, 24)) and d(2026, 11, 24) not in calendar
    assert not calendar.is_working_day(d(2026, 12, 31)) and d(2026, 12, 31) in calendar


def test_the_package_is_asked_once_per_year(ctx):
    statutory_holidays.cache_clear()
    calendar = holidays(db.session)
    for _ in range(50):
        add_working_days(d(2026, 12, 1), 40, calendar)
        add_working_days(d(2026, 12, 1), 40, holidays(db.session))
    info = statutory_holidays.cache_info()
    assert info.misses == 2  # 2026 and 2027, computed once each


# --- the web pages ----------------------------------------------------------------------------

def test_admin_adds_a_base_salary_from_the_web_audited(world, login, in_app):
    admin = login("admin")
    body = {"effective_from": "2027-07-01", "amount": "2700000",
            "legal_reference": "Nghị định 999/2027/NĐ-CP"}
    response = admin.post("/admin/base-salaries/", data=body)
    assert response.status_code == 302
    page = admin.get("/admin/base-salaries/")
    assert page.status_code == 200
    assert "Nghị định 999/2027/NĐ-CP" in page.text and "2.700.000" in page.text
    with in_app() as session:
        assert base_salary_on(d(2027, 7, 1)) == 2_700_000
        [event] = _audits(session, "base_salary.create")
        assert event.actor_name == "admin" and event.after_data["amount"] == 2_700_000
    again = admin.post("/admin/base-salaries/", data={**body, "amount": "2800000"})
    assert again.status_code == 409
    with in_app() as session:
        assert session.scalar(select(func.count()).select_from(BaseSalary)) == 1
    assert login("tochuc").post("/admin/base-salaries/", data=body).status_code == 403


def test_admin_adds_a_swap_day_and_a_make_up_saturday_from_the_web(world, login, in_app):
    admin = login("admin")
    day_off = {"day": "2027-09-03", "kind": "day_off", "name": "Nghỉ hoán đổi",
               "source": "Công văn 1/BNV (ví dụ)"}
    working = {"day": "2027-09-11", "kind": "working_day", "name": "Làm bù cho 03/9",
               "source": "Công văn 1/BNV (ví dụ)"}
    holiday = {"day": "2027-12-31", "kind": "holiday", "name": "Ngày lễ thử",
               "source": "Nghị quyết (ví dụ)"}
    for body in (day_off, working, holiday):
        assert admin.post("/admin/calendar/", data=body).status_code == 302
    page = admin.get("/admin/calendar/?year=2027")
    assert "Làm bù cho 03/9" in page.text and "Công văn 1/BNV (ví dụ)" in page.text
    assert "holidays" in page.text  # the package's days name where they come from
    with in_app() as session:
        calendar = holidays(session)
        assert calendar.is_working_day(d(2027, 9, 11)) and d(2027, 12, 31) in calendar
        assert len(_audits(session, "holiday.create")) == 3
        row = session.scalar(select(Holiday).where(Holiday.day == d(2027, 9, 11)))
    assert admin.post("/admin/calendar/", data=working).status_code == 409
    assert login("tochuc").post("/admin/calendar/", data=day_off).status_code == 403
    assert admin.post(f"/admin/calendar/{row.id}/delete").status_code == 302
    with in_app() as session:
        assert not holidays(session).is_working_day(d(2027, 9, 11))
        [event] = _audits(session, "holiday.delete")
        assert event.before_data["kind"] == "working_day"


def test_invalid_web_input_is_refused_with_400(world, login, in_app):
    admin = login("admin")
    assert admin.post("/admin/base-salaries/", data={"effective_from": "2027-07-01",
                                                     "amount": "-5",
                                                     "legal_reference": "x"}).status_code == 400
    assert admin.post("/admin/calendar/", data={"day": "2027-01-02", "kind": "other",
                                                "name": "x", "source": "y"}).status_code == 400
    with in_app() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action.in_(("holiday.create",
                                                            "base_salary.create")))) == 0


# --- the API ----------------------------------------------------------------------------------

def test_api_base_salaries(client, token, in_app):
    admin, organiser = token("admin"), token("tochuc")
    listed = client.get("/api/v1/base-salaries", headers=organiser)
    assert listed.status_code == 200
    assert listed.get_json()[0] == {**listed.get_json()[0], "effective_from": "2026-07-01",
                                    "amount": 2_530_000}
    body = {"effective_from": "2027-07-01", "amount": 2_700_000,
            "legal_reference": "Nghị định 999/2027/NĐ-CP"}
    assert client.post("/api/v1/base-salaries", json=body, headers=organiser).status_code == 403
    created = client.post("/api/v1/base-salaries", json=body, headers=admin)
    assert created.status_code == 201 and created.get_json()["amount"] == 2_700_000
    duplicate = client.post("/api/v1/base-salaries",
                            json={**body, "effective_from": "2026-07-01"}, headers=admin)
    assert duplicate.status_code == 409
    assert duplicate.headers["Content-Type"].startswith("application/problem+json")
    row_id = created.get_json()["id"]
    assert client.delete(f"/api/v1/base-salaries/{row_id}",
                         headers=organiser).status_code == 403
    assert client.delete(f"/api/v1/base-salaries/{row_id}", headers=admin).status_code == 204
    assert client.delete(f"/api/v1/base-salaries/{row_id}", headers=admin).status_code == 404
    with in_app() as session:
        assert len(_audits(session, "base_salary.create")) == 1
        assert len(_audits(session, "base_salary.delete")) == 1


def test_api_calendar(client, token, in_app):
    admin, viewer = token("admin"), token("xem")
    days = client.get("/api/v1/calendar?year=2026", headers=viewer)
    assert days.status_code == 200
    by_day = {e["day"]: e for e in days.get_json()}
    assert by_day["2026-08-31"]["working"] is False
    assert by_day["2026-08-31"]["kind"] == "day_off"
    assert by_day["2026-08-22"]["working"] is True
    assert "as reported" in by_day["2026-08-22"]["source"]
    assert "verified" in by_day["2026-02-17"]["source"]
    assert client.get("/api/v1/calendar?year=1900", headers=viewer).status_code == 422
    body = {"day": "2027-09-11", "kind": "working_day", "name": "Làm bù",
            "source": "Công văn (ví dụ)"}
    assert client.post("/api/v1/calendar", json=body, headers=viewer).status_code == 403
    created = client.post("/api/v1/calendar", json=body, headers=admin)
    assert created.status_code == 201 and created.get_json()["kind"] == "working_day"
    assert client.post("/api/v1/calendar", json=body, headers=admin).status_code == 409
    year_2027 = {e["day"]: e for e in client.get("/api/v1/calendar?year=2027",
                                                 headers=viewer).get_json()}
    assert year_2027["2027-09-11"]["working"] is True
    assert year_2027["2027-02-04"]["working"] is False  # 29 Tết
    with in_app() as session:
        [event] = _audits(session, "holiday.create")
        assert event.actor_name == "admin"


# --- the command line -------------------------------------------------------------------------

def test_cli_adds_a_base_salary_and_a_day_audited(runner, seeded, in_app):
    result = runner.invoke(args=["reference", "add-salary", "--from", "2027-07-01",
                                 "--amount", "2700000", "--source", "Nghị định 999/2027"])
    assert result.exit_code == 0, result.output
    duplicate = runner.invoke(args=["reference", "add-salary", "--from", "2026-07-01",
                                    "--amount", "1", "--source", "x"])
    assert duplicate.exit_code == 1
    result = runner.invoke(args=["reference", "add-day", "--day", "2027-09-03", "--kind",
                                 "day_off", "--name", "Nghỉ hoán đổi", "--source", "CV"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(args=["reference", "calendar", "--year", "2027"])
    assert "2027-09-03\tday_off\toff\tNghỉ hoán đổi\tCV" in listed.output
    assert "2700000" in runner.invoke(args=["reference", "salaries"]).output
    with in_app() as session:
        assert base_salary_on(d(2027, 7, 2)) == 2_700_000
        assert [e.actor_name for e in _audits(session, "base_salary.create")] == ["system"]
        assert [e.actor_name for e in _audits(session, "holiday.create")] == ["system"]
