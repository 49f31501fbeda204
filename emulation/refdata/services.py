"""Reference data: base salaries and calendar overrides, added and removed by administrators,
every change audited."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from emulation.awards.decisions.models import BaseSalary
from emulation.core import audit
from emulation.core.calendar import DayKind, Holiday, holidays, statutory_holidays
from emulation.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from emulation.core.formatting import fmt_date
from emulation.core.text import clean
from emulation.extensions import db
from emulation.refdata.data import statutory_note

MIN_DAY, MAX_DAY = date(1990, 1, 1), date(2100, 12, 31)
MAX_SALARY = 1_000_000_000


def base_salaries() -> list[BaseSalary]:
    """The base salary table, newest first."""
    return list(db.session.scalars(select(BaseSalary)
                                   .order_by(BaseSalary.effective_from.desc())))


def base_salary_in_force(day: date) -> BaseSalary | None:
    """The base salary row in force on `day` (the latest that starts on or before it)."""
    return db.session.scalar(select(BaseSalary).where(BaseSalary.effective_from <= day)
                             .order_by(BaseSalary.effective_from.desc()).limit(1))


def get_base_salary(salary_id: int) -> BaseSalary:
    """One row of the base salary table, or NotFound."""
    row = db.session.get(BaseSalary, salary_id)
    if row is None:
        raise NotFound(_("No such base salary."))
    return row


def add_base_salary(actor, *, effective_from: date | None, amount: int | None,
                    legal_reference: str) -> BaseSalary:
    """Add a base salary (mức lương cơ sở) in force from `effective_from`, with the legal text
    that set it. A second amount for a day that already has one is refused (409)."""
    check_admin(actor)
    legal_reference = clean(legal_reference or "")[:255]
    if effective_from is None or not MIN_DAY <= effective_from <= MAX_DAY:
        raise ServiceError(_("Give the date the base salary takes effect."))
    if amount is None or not 0 < amount <= MAX_SALARY:
        raise ServiceError(_("The base salary is an amount in VND greater than zero."))
    if not legal_reference:
        raise ServiceError(_("Name the legal text that sets this base salary."))
    if db.session.scalar(select(BaseSalary.id)
                         .where(BaseSalary.effective_from == effective_from)):
        raise Conflict(_("A base salary already takes effect on %(day)s: remove it first.",
                         day=fmt_date(effective_from)))
    row = BaseSalary(effective_from=effective_from, amount=amount,
                     legal_reference=legal_reference)
    db.session.add(row)
    db.session.flush()
    audit.record(db.session, actor=actor, action="base_salary.create", obj=row,
                 summary=f"base salary {amount} VND from {effective_from.isoformat()}",
                 after={"effective_from": effective_from, "amount": amount,
                        "legal_reference": legal_reference},
                 params={"amount": amount, "day": effective_from})
    db.session.commit()
    return row


def remove_base_salary(actor, row: BaseSalary) -> None:
    """Remove a row of the base salary table (decisions already issued keep the amount they
    stored)."""
    check_admin(actor)
    before = {"effective_from": row.effective_from, "amount": row.amount,
              "legal_reference": row.legal_reference}
    audit.record(db.session, actor=actor, action="base_salary.delete", obj=row,
                 summary=f"base salary {row.amount} VND from {row.effective_from.isoformat()} "
                         "removed", before=before,
                 params={"amount": row.amount, "day": row.effective_from})
    db.session.delete(row)
    db.session.commit()


def overrides(year: int | None = None) -> list[Holiday]:
    """The calendar's overrides on record, by day (of one year when given)."""
    stmt = select(Holiday).order_by(Holiday.day)
    if year is not None:
        stmt = stmt.where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
    return list(db.session.scalars(stmt))


def get_override(holiday_id: int) -> Holiday:
    """One calendar override, or NotFound."""
    row = db.session.get(Holiday, holiday_id)
    if row is None:
        raise NotFound(_("No such calendar day."))
    return row


def add_override(actor, *, day: date | None, kind: str, name: str, source: str) -> Holiday:
    """Add a day to the calendar: a public holiday, a day off swapped in by the government for
    the year, or a make-up working day (counted as working even on a Saturday). One entry per
    day: a second one is refused (409)."""
    check_admin(actor)
    name, source = clean(name or "")[:150], clean(source or "")[:255]
    if day is None or not MIN_DAY <= day <= MAX_DAY:
        raise ServiceError(_("Give the day."))
    if kind not in DayKind.values():
        raise ServiceError(_("Choose what the day is."))
    if not name:
        raise ServiceError(_("Name the day."))
    if not source:
        raise ServiceError(_("Name the text that decided this day."))
    if db.session.scalar(select(Holiday.id).where(Holiday.day == day)):
        raise Conflict(_("%(day)s is already in the calendar: remove it first.",
                         day=fmt_date(day)))
    row = Holiday(day=day, kind=kind, name=name, source=source)
    db.session.add(row)
    db.session.flush()
    audit.record(db.session, actor=actor, action="holiday.create", obj=row,
                 summary=f"{kind} {day.isoformat()} {name}",
                 after={"day": day, "kind": kind, "name": name, "source": source},
                 params={"day": day, "name": name})
    db.session.commit()
    return row


def remove_override(actor, row: Holiday) -> None:
    """Remove a calendar override; the day goes back to what the statutory calendar says."""
    check_admin(actor)
    audit.record(db.session, actor=actor, action="holiday.delete", obj=row,
                 summary=f"{row.kind} {row.day.isoformat()} {row.name} removed",
                 before={"day": row.day, "kind": row.kind, "name": row.name,
                         "source": row.source}, params={"day": row.day, "name": row.name})
    db.session.delete(row)
    db.session.commit()


def year_calendar(year: int) -> list[dict]:
    """Every day of `year` that is not an ordinary day — statutory holidays, overrides and the
    make-up working days — with its name, kind, source and whether it is a working day."""
    calendar = holidays(db.session)
    days: dict[date, dict] = {}
    base = statutory_source()
    for day, name in statutory_holidays(year).items():
        note = statutory_note(day)
        days[day] = {"day": day, "name": name, "kind": DayKind.HOLIDAY.value,
                     "source": f"{base} — {note}" if note else base, "override_id": None}
    for row in overrides(year):
        days[row.day] = {"day": row.day, "name": row.name, "kind": row.kind,
                         "source": row.source, "override_id": row.id}
    for entry in days.values():
        entry["working"] = calendar.is_working_day(entry["day"])
    return sorted(days.values(), key=lambda e: e["day"])


def check_admin(actor) -> None:
    """Refuse anyone but an administrator (403)."""
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_("Only an administrator may change reference data."))


def statutory_source() -> str:
    """Where the days not overridden come from."""
    return _("Labour Code 2019 Art. 112, as computed by the holidays package (lunar Tết "
             "included)")
