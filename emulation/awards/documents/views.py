"""The document templates page (organisers), the achievement report of a dossier and the
nomination list of a meeting as Word documents."""
from __future__ import annotations

from flask import Response, abort, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from emulation.awards.blueprints import documents as bp
from emulation.awards.councils import services as councils
from emulation.awards.decisions import services as decisions
from emulation.awards.documents import services as service
from emulation.awards.documents.enums import DocumentKind, DocumentStyle
from emulation.awards.documents.forms import LetterheadForm, TemplateForm
from emulation.awards.nominations import services as nominations
from emulation.core import permissions as perms
from emulation.core.forms import Form
from emulation.core.web import form_action, int_arg, load_or_404, local_today, upload_action
from emulation.org.services import unit_choices

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/documents/templates")
@perms.roles_required("organiser")
def templates():
    """The units the organiser manages; for the chosen one, its letterhead data and each
    document's template (its own or the default of its style)."""
    units = unit_choices(current_user, ("organiser",))
    unit_id = int_arg("unit")
    if unit_id is None and request.args.get("unit"):
        abort(404)
    unit = load_or_404(service.managed_unit, current_user, unit_id) if unit_id else \
        (units[0] if units else None)
    return _page(units, unit)


@bp.route("/documents/templates/<int:unit_id>/<kind>.docx")
@perms.roles_required("organiser")
def template_download(unit_id: int, kind: str):
    """The template the unit uses now for `kind`, to edit in Word and upload again."""
    unit = load_or_404(service.managed_unit, current_user, unit_id)
    if kind not in service.KINDS:
        abort(404)
    return docx_response(service.template_bytes(unit, kind), f"mau-{kind}-{unit.code}.docx")


@bp.route("/documents/templates/<int:unit_id>/<kind>", methods=["POST"])
@perms.roles_required("organiser")
def template_upload(unit_id: int, kind: str):
    unit = load_or_404(service.managed_unit, current_user, unit_id)
    if kind not in service.KINDS:
        abort(404)
    target = url_for("documents.templates", unit=unit.id)
    return upload_action(lambda file: service.replace_template(current_user, unit, kind, file),
                         form=TemplateForm(), target=target,
                         success=_("The template has been replaced."),
                         on_refusal=lambda status: _page(None, unit, status))


@bp.route("/documents/templates/<int:unit_id>/<kind>/reset", methods=["POST"])
@perms.roles_required("organiser")
def template_reset(unit_id: int, kind: str):
    unit = load_or_404(service.managed_unit, current_user, unit_id)
    if kind not in service.KINDS:
        abort(404)
    return form_action(lambda: service.reset_template(current_user, unit, kind), form=Form(),
                       success=_("The default template is used again."),
                       target=url_for("documents.templates", unit=unit.id),
                       on_refusal=lambda status: _page(None, unit, status))


@bp.route("/documents/letterhead/<int:unit_id>", methods=["POST"])
@perms.roles_required("organiser")
def letterhead(unit_id: int):
    unit = load_or_404(service.managed_unit, current_user, unit_id)
    form = LetterheadForm()
    return form_action(lambda: service.update_letterhead(
        current_user, unit, version=form.version.data,
        **{f: getattr(form, f).data for f in service.LETTERHEAD_FIELDS}), form=form,
        success=_("Saved."), target=url_for("documents.templates", unit=unit.id),
        on_refusal=lambda status: _page(None, unit, status, form))


@bp.route("/nominations/<int:nomination_id>/report.docx")
@login_required
def achievement_report(nomination_id: int):
    """Báo cáo thành tích of the dossier, in the form of the decree's appendix."""
    n = load_or_404(nominations.get_for, current_user, nomination_id)
    return docx_response(service.achievement_report(n, local_today()),
                         f"bao-cao-thanh-tich-{n.id}.docx")


@bp.route("/meetings/<int:meeting_id>/nominations.docx")
@login_required
def nomination_list(meeting_id: int):
    """Danh sách đề nghị khen thưởng of the meeting's agenda."""
    meeting = load_or_404(councils.get_meeting_for, current_user, meeting_id)
    with force_locale("vi"):
        rows = decisions.agenda_rows(meeting)
    return docx_response(service.nomination_list_document(meeting, rows, local_today()),
                         f"danh-sach-de-nghi-{meeting.id}.docx")


def docx_response(data: bytes, filename: str) -> Response:
    return Response(data, mimetype=DOCX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "X-Content-Type-Options": "nosniff"})


def _page(units, unit, status: int = 200, letterhead_form=None):
    if units is None:
        units = unit_choices(current_user, ("organiser",))
    if letterhead_form is None and unit is not None:
        letterhead_form = LetterheadForm(formdata=None, obj=unit)
    return render_template("awards/document_templates.html", units=units, unit=unit,
                           own=service.templates_of(unit) if unit else {},
                           style=service.style_of(unit) if unit else None,
                           kinds=DocumentKind.labels(), styles=DocumentStyle.labels(),
                           upload_form=TemplateForm(formdata=None),
                           letterhead_form=letterhead_form, form=Form(formdata=None)), status
