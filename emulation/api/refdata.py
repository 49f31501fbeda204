"""API v1 reference data: the base salary table and the working calendar. Anyone with a
token reads them; only an administrator's token changes them (403 otherwise), each change
audited like the web's."""
from __future__ import annotations

from flask import g
from flask.views import MethodView

from emulation.api import schemas as s
from emulation.api.views import bp
from emulation.refdata import services


@bp.route("/base-salaries")
class BaseSalaries(MethodView):
    @bp.response(200, s.BaseSalarySchema(many=True))
    def get(self):
        """The base salary table, newest first; cash is a multiple of the row in force on
        the decision date."""
        return services.base_salaries()

    @bp.arguments(s.BaseSalaryIn)
    @bp.response(201, s.BaseSalarySchema)
    def post(self, body):
        """Add a base salary (administrators); a second amount for the same day is 409."""
        return services.add_base_salary(g.api_user, **body)


@bp.route("/base-salaries/<int:salary_id>")
class BaseSalaryItem(MethodView):
    @bp.response(204)
    def delete(self, salary_id):
        """Remove a row (administrators); issued decisions keep the amount they used."""
        services.check_admin(g.api_user)
        services.remove_base_salary(g.api_user, services.get_base_salary(salary_id))


@bp.route("/calendar")
class Calendar(MethodView):
    @bp.arguments(s.CalendarArgs, location="query")
    @bp.response(200, s.CalendarDaySchema(many=True))
    def get(self, args):
        """The year's holidays, swapped days off and make-up working days, with sources."""
        return services.year_calendar(args["year"])

    @bp.arguments(s.CalendarDayIn)
    @bp.response(201, s.CalendarOverrideSchema)
    def post(self, body):
        """Add a holiday, a swapped day off or a make-up working day (administrators); a
        day already overridden is 409."""
        return services.add_override(g.api_user, **body)


@bp.route("/calendar/<int:holiday_id>")
class CalendarItem(MethodView):
    @bp.response(204)
    def delete(self, holiday_id):
        """Remove an override (administrators): the day is as the statutory calendar says."""
        services.check_admin(g.api_user)
        services.remove_override(g.api_user, services.get_override(holiday_id))
