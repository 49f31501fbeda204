"""Eligibility of a person or a unit for an award, rule by rule with its reasons."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from emulation.awards.blueprints import awards as bp
from emulation.awards.catalogue import services as catalogue
from emulation.awards.eligibility import services
from emulation.core import permissions as perms
from emulation.core.web import current_locale, load_or_404, local_today, year_arg
from emulation.org import services as org


@bp.route("/people/<int:person_id>/eligibility")
@perms.roles_required(*perms.VIEW_PEOPLE)
def person_eligibility(person_id: int):
    person = load_or_404(org.get_person_for, current_user, person_id)
    return _eligibility_page(person, "individual", services.check_person)


@bp.route("/units/<int:unit_id>/eligibility")
@perms.roles_required(*perms.VIEW_UNITS)
def unit_eligibility(unit_id: int):
    unit = load_or_404(org.get_unit_for, current_user, unit_id)
    return _eligibility_page(unit, "collective", services.check_unit)


def _eligibility_page(subject, kind: str, check):
    """One page for both: the award asked (`?award=`, of the subject's kind), the year
    (`?year=`, this year when empty; out of range: 400), the verdict rule by rule and the
    records behind it."""
    award = services.award_for(kind, request.args.get("award", ""))
    # a year outside the rules' range is refused with the reason (400), not replaced
    year = year_arg(low=services.FIRST_YEAR, high=services.LAST_YEAR,
                    empty_is_every_year=False) or local_today().year
    return render_template("awards/eligibility.html", subject=subject, kind=kind,
                           award=award, year=year,
                           verdict=check(award, subject, year) if award else None,
                           records=services.history(kind, subject.id),
                           awards=catalogue.awards_for(kind), locale=current_locale(),
                           names=catalogue.names())
