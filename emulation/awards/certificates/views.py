"""Printing a decision's certificates (a job with its progress), the list of decisions with
certificates of the user's units, and each award type's certificate settings."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from emulation.awards.blueprints import awards as awards_bp
from emulation.awards.blueprints import decisions as bp
from emulation.awards.catalogue import services as catalogue
from emulation.awards.certificates import queries
from emulation.awards.certificates import services as service
from emulation.awards.certificates.enums import CertificateField
from emulation.awards.certificates.forms import EmblemForm, LayoutForm, StyleForm
from emulation.awards.decisions import services as decisions
from emulation.core import permissions as perms
from emulation.core.errors import ServiceError
from emulation.core.forms import Form
from emulation.core.web import attempt, flash_form_errors, form_action, load_or_404
from emulation.jobs import services as jobs


@bp.route("/decisions/<int:decision_id>/certificates.pdf")
@login_required
def certificates(decision_id: int):
    """The certificates of the decision the user may print, as one PDF made by a job (the
    user is sent to its page, where a bar shows its progress); `?printer=` the calibration
    used for award types printed on blanks. 403 with none of the user's units, 409 when the
    decision is not issued or is revoked."""
    decision = load_or_404(decisions.get_decision_for, current_user, decision_id)
    try:
        service.require_printable(current_user, decision)
    except ServiceError as err:
        return render_template("errors/error.html", status=err.status,
                               title=_("Certificates"), message=str(err.message)), err.status
    printer = (request.args.get("printer") or "")[:100]
    plan = jobs.plan_export(current_user, "certificates",
                            {"decision": decision.id, "printer": printer})
    if plan is None or plan.job is None:
        abort(404)
    flash(_("The certificates are being prepared. You may leave this page: a notification "
            "will bring you the download link."), "info")
    return redirect(url_for("jobs.detail", token=plan.job.id))


@bp.route("/certificates/")
@login_required
def certificate_list():
    """Issued decisions with awards the user may print (their units' awards; every award of
    the decisions their unit issued), with the number of certificates of each."""
    rows = queries.decisions_with_certificates(current_user)
    return render_template("awards/certificates.html", rows=rows,
                           printers=service.printers(current_user, [d.id for d, _n in rows]))


@awards_bp.route("/awards/<code>/certificate", methods=["GET", "POST"])
@perms.roles_required(*service.CONFIGURE)
def certificate_settings(code: str):
    """How the award type's certificates print: design or blanks, heading, emblem, and the
    calibration of each printer."""
    award = load_or_404(catalogue.award_by_code, code)
    if request.method == "GET":
        return _settings_page(award)
    form = StyleForm()
    return form_action(lambda: service.save_style(
        current_user, award, form.version.data or None, mode=form.mode.data,
        heading=form.heading.data or ""), form=form, success=_("Changes saved."),
        target=url_for("awards.certificate_settings", code=award.code),
        on_refusal=lambda status: _settings_page(award, status, style_form=form))


@awards_bp.route("/awards/<code>/certificate/emblem", methods=["POST"])
@perms.roles_required(*service.CONFIGURE)
def certificate_emblem(code: str):
    award = load_or_404(catalogue.award_by_code, code)
    target = url_for("awards.certificate_settings", code=award.code)
    if request.form.get("action") == "remove":
        return form_action(lambda: service.remove_emblem(current_user, award), form=Form(),
                           success=_("The emblem area is left blank."), target=target,
                           on_refusal=lambda status: _settings_page(award, status))
    form = EmblemForm()
    return form_action(lambda: service.upload_emblem(current_user, award, form.emblem.data),
                       form=form, success=_("The emblem has been saved."), target=target,
                       on_refusal=lambda status: _settings_page(award, status))


@awards_bp.route("/awards/<code>/certificate/layouts", methods=["POST"])
@perms.roles_required(*service.CONFIGURE)
def certificate_layout(code: str):
    award = load_or_404(catalogue.award_by_code, code)
    form = LayoutForm()
    target = url_for("awards.certificate_settings", code=award.code)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _settings_page(award, 400, layout_form=form)
    status = attempt(lambda: service.save_layout(current_user, award, form.printer.data,
                                                 form.offsets(), form.version.data or None,
                                                 form.organisation.data or None))
    if status is not None:
        return _settings_page(award, status, layout_form=form)
    flash(_("Calibration saved."), "success")
    return redirect(target)


@awards_bp.route("/awards/<code>/certificate/layouts/<int:layout_id>/delete",
                 methods=["POST"])
@perms.roles_required(*service.CONFIGURE)
def certificate_layout_delete(code: str, layout_id: int):
    award = load_or_404(catalogue.award_by_code, code)
    return form_action(lambda: service.delete_layout(current_user, award, layout_id),
                       form=Form(), success=_("Calibration deleted."),
                       target=url_for("awards.certificate_settings", code=award.code),
                       on_refusal=lambda status: _settings_page(award, status))


@awards_bp.route("/awards/<code>/certificate/calibration.pdf")
@perms.roles_required(*service.CONFIGURE)
def certificate_calibration(code: str):
    """The calibration page (grid and crosshairs at the fields' positions) of `?printer=`."""
    award = load_or_404(catalogue.award_by_code, code)
    data = service.calibration_page(current_user, award,
                                    (request.args.get("printer") or "")[:100])
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="hieu-chinh-{award.id}.pdf"',
        "X-Content-Type-Options": "nosniff"})


def _settings_page(award, status: int = 200, style_form=None, layout_form=None):
    style = service.style_of(award)
    if style_form is None:
        style_form = StyleForm(formdata=None, obj=style)
        style_form.version.data = style.version if style else ""
    layouts = service.layouts_of(current_user, award)
    organisations = [(u.id, u.name) for u in service.organisations(current_user,
                                                                   service.CONFIGURE)]
    forms = []
    for layout in layouts:
        each = LayoutForm(formdata=None, obj=layout)
        each.version.data = layout.version
        each.organisation.data = layout.unit_id
        forms.append((layout, each))
    new_layout = layout_form or LayoutForm(formdata=None)
    new_layout.organisation.choices = organisations
    return render_template("awards/certificate_settings.html", award=award, style=style,
                           emblem=service.emblem_of(style), style_form=style_form,
                           emblem_form=EmblemForm(formdata=None), layouts=forms,
                           new_layout=new_layout, organisations=organisations,
                           fields=CertificateField.values(), form=Form(formdata=None)), status
