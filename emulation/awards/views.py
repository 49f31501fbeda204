"""The award catalogue, record imports and eligibility checks of people and units."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from emulation.awards import services
from emulation.awards.forms import AwardForm, QuotaForm, RuleForm
from emulation.awards.importers import COLUMNS
from emulation.awards.models import (
    Appraisal,
    AwardRecord,
    AwardRule,
    AwardType,
    Discipline,
    Initiative,
)
from emulation.core import permissions as perms
from emulation.core.errors import NotFound
from emulation.core.web import attempt, current_locale, flash_form_errors, local_today, year_arg
from emulation.core.xlsx import Workbook
from emulation.extensions import db
from emulation.org import services as org
from emulation.org.views import _import_page

bp = Blueprint("awards", __name__)


@bp.route("/awards/")
@login_required
def catalogue():
    awards = db.session.scalars(select(AwardType).order_by(AwardType.category.desc(),
                                                           AwardType.id)).all()
    return render_template("awards/catalogue.html", awards=awards)


@bp.route("/awards/<code>", methods=["GET", "POST"])
@login_required
def award(code: str):
    award = _award_or_404(code)
    form = AwardForm(obj=award if request.method == "GET" else None)
    status = 200
    if request.method == "GET":
        form.version.data = award.version
    else:
        if not current_user.is_admin:
            abort(403)
        if form.validate_on_submit():
            fields = {k: getattr(form, k).data for k in services.AWARD_FIELDS}
            fields["publication_days"] = fields["publication_days"] or 0
            status = attempt(lambda: services.update_award(current_user, award,
                                                           form.version.data, fields)) or 200
            if status == 200:
                flash(_("Changes saved."), "success")
                return redirect(url_for("awards.award", code=award.code))
        else:
            status = 400
    return _award_page(award, status, form)


@bp.route("/awards/<code>/rules", methods=["POST"])
@bp.route("/awards/<code>/rules/<int:rule_id>", methods=["POST"])
@perms.admin_required
def rule_save(code: str, rule_id: int | None = None):
    award = _award_or_404(code)
    rule = None
    if rule_id is not None:
        rule = db.session.get(AwardRule, rule_id)
        if rule is None or rule.award_type_id != award.id:
            abort(404)
    form = RuleForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _award_page(award, 400)
    status = attempt(lambda: services.save_rule(
        current_user, award, rule, kind=form.kind.data, params_text=form.params.data,
        subject=form.subject.data, legal_reference=form.legal_reference.data,
        note=form.note.data))
    if status:
        return _award_page(award, status)
    flash(_("Rule saved."), "success")
    return redirect(url_for("awards.award", code=award.code))


@bp.route("/awards/<code>/rules/<int:rule_id>/delete", methods=["POST"])
@perms.admin_required
def rule_delete(code: str, rule_id: int):
    award = _award_or_404(code)
    rule = db.session.get(AwardRule, rule_id)
    if rule is None or rule.award_type_id != award.id:
        abort(404)
    services.delete_rule(current_user, rule)
    flash(_("Rule deleted."), "success")
    return redirect(url_for("awards.award", code=award.code))


@bp.route("/awards/<code>/quotas", methods=["POST"])
@perms.admin_required
def quota_save(code: str):
    award = _award_or_404(code)
    form = QuotaForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _award_page(award, 400)
    status = attempt(lambda: services.save_quota(
        current_user, award, form.of_code.data.upper(), form.max_pct.data,
        form.legal_reference.data, form.note.data))
    if status:
        return _award_page(award, status)
    flash(_("Quota saved."), "success")
    return redirect(url_for("awards.award", code=award.code))


@bp.route("/records/import/<kind>", methods=["GET", "POST"])
@perms.roles_required(*perms.MANAGE_PEOPLE)
def records_import(kind: str):
    from emulation.cli import importer

    if kind not in COLUMNS:
        abort(404)
    columns, run = importer(kind)
    return _import_page(kind, columns, run, url_for("awards.records_template", kind=kind))


@bp.route("/records/import/<kind>/template.xlsx")
@perms.roles_required(*perms.MANAGE_PEOPLE)
def records_template(kind: str):
    from emulation.core.web import xlsx_response

    if kind not in COLUMNS:
        abort(404)
    wb = Workbook()
    sheet = wb.sheet(kind)
    sheet.header([c.header for c in COLUMNS[kind]], [16] * len(COLUMNS[kind]))
    return xlsx_response(wb, f"mau-{kind}.xlsx")


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
                           names=services.names())


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
                           names=services.names())


def _award_page(award: AwardType, status: int = 200, form=None):
    if form is None:
        form = AwardForm(formdata=None, obj=award)
        form.version.data = award.version
    rule_forms = {r.id: RuleForm(formdata=None, obj=r) for r in award.rules}
    return render_template("awards/award.html", award=award, form=form,
                           rule_forms=rule_forms, new_rule=RuleForm(formdata=None),
                           quota_form=QuotaForm(formdata=None),
                           admin=current_user.is_admin), status


def _award_or_404(code: str) -> AwardType:
    try:
        return services.award_by_code(code)
    except NotFound:
        abort(404)


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


