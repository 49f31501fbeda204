"""Eligibility of a person or a unit for an award, rule by rule with its reasons."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from emulation.awards.blueprints import awards as bp
from emulation.awards.catalogue import services as catalogue
from emulation.awards.catalogue.models import AwardType
from emulation.awards.eligibility import services
from emulation.awards.records.models import Appraisal, AwardRecord, Discipline, Initiative
from emulation.core import permissions as perms
from emulation.core.errors import NotFound
from emulation.core.web import current_locale, local_today, year_arg
from emulation.extensions import db
from emulation.org import services as org


@bp.route("/people/<int:person_id>/eligibility")
@perms.roles_required(*perms.VIEW_PEOPLE)
def person_eligibility(person_id: int):
    try:
        person = org.get_person_for(current_user, person_id)
    except NotFound:
        abort(404)
    award, year = _award_and_year("individual")
    verdict = services.check_person(award, person, year) if award else None
    records = {
        "appraisals": db.session.scalars(select(Appraisal).where(
            Appraisal.person_id == person.id).order_by(Appraisal.year.desc())).all(),
        "awards": db.session.scalars(select(AwardRecord).where(
            AwardRecord.person_id == person.id).order_by(AwardRecord.year.desc())).all(),
        "initiatives": db.session.scalars(select(Initiative).where(
            Initiative.person_id == person.id).order_by(Initiative.year.desc())).all(),
        "disciplines": db.session.scalars(select(Discipline).where(
            Discipline.person_id == person.id).order_by(Discipline.starts_on.desc())).all()}
    return render_template("awards/eligibility.html", subject=person, kind="individual",
                           award=award, year=year, verdict=verdict, records=records,
                           awards=_awards_for("individual"), locale=current_locale(),
                           names=catalogue.names())


@bp.route("/units/<int:unit_id>/eligibility")
@perms.roles_required(*perms.VIEW_UNITS)
def unit_eligibility(unit_id: int):
    try:
        unit = org.get_unit_for(current_user, unit_id)
    except NotFound:
        abort(404)
    award, year = _award_and_year("collective")
    verdict = services.check_unit(award, unit, year) if award else None
    records = {
        "appraisals": db.session.scalars(select(Appraisal).where(
            Appraisal.unit_id == unit.id).order_by(Appraisal.year.desc())).all(),
        "awards": db.session.scalars(select(AwardRecord).where(
            AwardRecord.unit_id == unit.id).order_by(AwardRecord.year.desc())).all(),
        "initiatives": [], "disciplines": []}
    return render_template("awards/eligibility.html", subject=unit, kind="collective",
                           award=award, year=year, verdict=verdict, records=records,
                           awards=_awards_for("collective"), locale=current_locale(),
                           names=catalogue.names())


def _award_and_year(kind: str):
    code = request.args.get("award", "")
    year = year_arg() or local_today().year
    if not 1950 <= year <= 2100:
        year = local_today().year
    award = None
    if code:
        award = db.session.scalar(select(AwardType).where(AwardType.code == code[:20]))
        if award is None or award.subject not in (kind, "both"):
            award = None
    return award, year


def _awards_for(kind: str):
    return db.session.scalars(select(AwardType).where(
        AwardType.active.is_(True), AwardType.subject.in_((kind, "both")))
        .order_by(AwardType.id)).all()
