"""Reference data pages: the base salary table and the working calendar (administrators)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from emulation.auth.forms import ConfirmForm
from emulation.core.calendar import DayKind
from emulation.core.formatting import fmt_date
from emulation.core.permissions import admin_required
from emulation.core.web import form_action, load_or_404, local_today, year_arg
from emulation.refdata import services
from emulation.refdata.forms import BaseSalaryForm, CalendarDayForm

bp = Blueprint("refdata", __name__, url_prefix="/admin")


@bp.route("/base-salaries/", methods=["GET", "POST"])
@admin_required
def base_salaries():
    """Mức lương cơ sở: the table, the amount in force today, and the form to add one."""
    form = BaseSalaryForm()
    if request.method == "GET":
        return _salaries_page(form)

    def add():
        services.add_base_salary(current_user, effective_from=form.effective_from.data,
                                 amount=form.amount.data,
                                 legal_reference=form.legal_reference.data)

    return form_action(add, form=form, target=url_for("refdata.base_salaries"),
                       success=_("Base salary of %(amount)s VND from %(day)s added.",
                                 amount=format_decimal(form.amount.data or 0),
                                 day=fmt_date(form.effective_from.data)
                                 if form.effective_from.data else ""),
                       on_refusal=lambda status: _salaries_page(form, status))


@bp.route("/base-salaries/<int:salary_id>/delete", methods=["POST"])
@admin_required
def base_salary_delete(salary_id: int):
    row = load_or_404(services.get_base_salary, salary_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return form_action(lambda: services.remove_base_salary(current_user, row),
                       target=url_for("refdata.base_salaries"),
                       success=_("Base salary removed."),
                       on_refusal=lambda status: _salaries_page(BaseSalaryForm(), status))


@bp.route("/calendar/", methods=["GET", "POST"])
@admin_required
def calendar():
    """The working calendar of a year: statutory holidays, swaps and make-up working days."""
    year = _year()
    form = CalendarDayForm()
    if request.method == "GET":
        return _calendar_page(form, year)

    def add():
        services.add_override(current_user, day=form.day.data, kind=form.kind.data,
                              name=form.name.data, source=form.source.data)

    # the added day's year, when the calendar pages show it
    target_year = form.day.data.year if form.day.data and \
        CALENDAR_YEARS[0] <= form.day.data.year <= CALENDAR_YEARS[1] else year
    return form_action(add, form=form, target=url_for("refdata.calendar", year=target_year),
                       success=_("%(day)s added to the calendar.",
                                 day=fmt_date(form.day.data) if form.day.data else ""),
                       on_refusal=lambda status: _calendar_page(form, year, status))


@bp.route("/calendar/<int:holiday_id>/delete", methods=["POST"])
@admin_required
def calendar_delete(holiday_id: int):
    row = load_or_404(services.get_override, holiday_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    year = row.day.year
    return form_action(lambda: services.remove_override(current_user, row),
                       target=url_for("refdata.calendar", year=year),
                       success=_("Calendar day removed."),
                       on_refusal=lambda status: _calendar_page(CalendarDayForm(), year,
                                                                status))


CALENDAR_YEARS = (1995, 2100)  # the working calendar's years (statutory holidays since 1995)


def _year() -> int:
    """The calendar's `?year=`: this year when empty; any other value that is not a year of
    CALENDAR_YEARS is refused (400 naming them), not replaced by this year."""
    return year_arg(low=CALENDAR_YEARS[0], high=CALENDAR_YEARS[1],
                    empty_is_every_year=False) or local_today().year


def _salaries_page(form, status: int = 200):
    today = local_today()
    return render_template("refdata/base_salaries.html", form=form,
                           rows=services.base_salaries(),
                           in_force=services.base_salary_in_force(today), today=today,
                           confirm_form=ConfirmForm()), status


def _calendar_page(form, year: int, status: int = 200):
    return render_template("refdata/calendar.html", form=form, year=year,
                           days=services.year_calendar(year), kinds=DayKind.labels(),
                           statutory=services.statutory_source(),
                           confirm_form=ConfirmForm()), status
