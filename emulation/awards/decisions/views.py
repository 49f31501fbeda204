"""Publication, objections, and decisions with their annex and draft."""
from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from emulation.auth.fresh import confirm_first, is_fresh
from emulation.awards.blueprints import decisions as bp
from emulation.awards.certificates import services as certificates
from emulation.awards.councils import services as councils
from emulation.awards.councils.views import meeting_page
from emulation.awards.decisions import documents, exports
from emulation.awards.decisions import services as service
from emulation.awards.decisions.forms import DecisionForm, ObjectionForm, ResolutionForm
from emulation.awards.eligibility import services as eligibility
from emulation.core import permissions as perms
from emulation.core.formatting import fmt_date
from emulation.core.forms import Form
from emulation.core.web import (
    current_locale,
    form_action,
    ids_from,
    int_arg,
    load_or_404,
    local_today,
    page_arg,
    xlsx_response,
    year_arg,
)
from emulation.jobs.web import export_response
from emulation.org.services import unit_choices


@bp.route("/meetings/<int:meeting_id>/publish", methods=["POST"])
@login_required
def publish(meeting_id: int):
    meeting = load_or_404(councils.get_meeting_for, current_user, meeting_id)
    target = url_for("councils.meeting", meeting_id=meeting.id)
    return form_action(lambda: service.publish(current_user, meeting, local_today()),
                       form=Form(), success=_("The list has been published."), target=target,
                       on_refusal=lambda status: meeting_page(meeting, status))


@bp.route("/meetings/<int:meeting_id>/memo.docx")
@login_required
def memo(meeting_id: int):
    """Tờ trình with the list of the meeting's nominations and their eligibility."""
    meeting = load_or_404(councils.get_meeting_for, current_user, meeting_id)
    return _docx(lambda: documents.submission_memo(meeting, service.agenda_rows(meeting),
                                                   local_today()), f"to-trinh-{meeting.id}.docx")


@bp.route("/meetings/<int:meeting_id>/list.xlsx")
@login_required
def agenda_list(meeting_id: int):
    """Danh sách trích ngang: name, unit, position, award, summary, eligibility."""
    meeting = load_or_404(councils.get_meeting_for, current_user, meeting_id)
    return xlsx_response(exports.agenda_list(meeting), f"trich-ngang-{meeting.id}.xlsx")


@bp.route("/meetings/<int:meeting_id>/minutes.docx")
@login_required
def minutes(meeting_id: int):
    meeting = load_or_404(councils.get_meeting_for, current_user, meeting_id)
    if meeting.state != "closed":
        return render_template("errors/error.html", status=409, title=_("Conflict"),
                               message=_("The minutes are written once the ballot is "
                                         "closed.")), 409
    def build():
        written = councils.votes_written(meeting)
        rows = [{**row, "agree": item.agree, "disagree": item.disagree,
                 "abstain": item.abstain, "written": written.get(item.id, 0),
                 "result": _minutes_result(item)}
                for item, row in zip(meeting.items, service.agenda_rows(meeting), strict=True)]
        return documents.minutes(meeting, rows)

    return _docx(build, f"bien-ban-{meeting.id}.docx")


def _minutes_result(item) -> str:
    """An item's result as the minutes state it; a reopened vote says so, with its reason."""
    result = _("Passed") if item.passed else _("Not passed")
    if item.reopened_at is not None:
        result = _("%(result)s — vote reopened on %(date)s: %(reason)s", result=result,
                   date=fmt_date(item.reopened_at), reason=item.reopen_reason)
    return result


@bp.route("/publications/")
@login_required
def publications():
    """Every published list, open to any logged-in user, who may object."""
    return _publications_page()


def _publications_page(status: int = 200, typed: tuple[str, int, str] | None = None):
    """The published lists; after a refused objection or resolution (`status`, its reason
    flashed) `typed` = (field, id, text) puts back what was typed: ("text", nomination id,
    objection) or ("reason", objection id, resolution). Objections are resolved only by
    whom may (`service.may_resolve`); the others see no resolution form."""
    rows, objections = service.publications()
    resolvable = {n.id for _publication, item in rows for n in [item.nomination]
                  if objections.get(n.id) and service.may_resolve(current_user, n)}
    return render_template("awards/publications.html", rows=rows, objections=objections,
                           form=Form(formdata=None), today=local_today(),
                           resolvable=resolvable, authors=service.author_names(objections),
                           typed=typed or ("", 0, "")), status


@bp.route("/nominations/<int:nomination_id>/objections", methods=["POST"])
@login_required
def objection_add(nomination_id: int):
    nomination = load_or_404(service.get_published_nomination, nomination_id)
    form = ObjectionForm()
    target = url_for("decisions.publications")
    return form_action(lambda: service.object_to(current_user, nomination, form.text.data),
                       form=form, success=_("Your objection has been recorded."),
                       target=target, on_refusal=lambda status: _publications_page(
                           status, ("text", nomination.id, request.form.get("text", ""))))


@bp.route("/objections/<int:objection_id>/resolve", methods=["POST"])
@login_required
def objection_resolve(objection_id: int):
    objection = load_or_404(service.get_objection, objection_id)
    form = ResolutionForm()
    target = url_for("decisions.publications")
    return form_action(lambda: service.resolve(current_user, objection,
                                               form.upheld.data == "1", form.reason.data),
                       form=form, success=_("Objection resolved."), target=target,
                       on_refusal=lambda status: _publications_page(
                           status, ("reason", objection.id, request.form.get("reason", ""))))


@bp.route("/decisions/")
@login_required
def index():
    return render_template("awards/decisions.html",
                           pagination=service.decisions_page(current_user, page_arg()),
                           can_create=perms.can_any(current_user, ("organiser",)))


@bp.route("/decisions/export.xlsx")
@login_required
def export():
    """The decisions the user may read with their awards and cash; `?decision=` one of them
    (its page's button). A large list is a job."""
    decision_id = int_arg("decision")
    if decision_id is None and request.args.get("decision"):
        abort(404)
    return export_response("decisions", {"decision": decision_id, "year": year_arg(),
                                         "state": request.args.get("state") or None})


@bp.route("/decisions/new", methods=["GET", "POST"])
@perms.roles_required("organiser")
def create():
    if request.method == "GET":
        return _create_page()
    form = DecisionForm()
    chosen = set(ids_from(request.form.getlist("nomination")))
    made = []
    response = form_action(lambda: made.append(service.create_decision_for(
        current_user, form.unit_code.data, chosen, number=form.number.data,
        signed_on=form.signed_on.data, signer=form.signer.data, today=local_today())),
        form=form, success=_("Draft decision created."), target=url_for("decisions.index"),
        on_refusal=_create_page)
    return redirect(url_for("decisions.detail", decision_id=made[0].id)) if made else response


@bp.route("/decisions/<int:decision_id>", methods=["GET", "POST"])
@login_required
def detail(decision_id: int):
    decision = load_or_404(service.get_decision_for, current_user, decision_id)
    if request.method == "GET":
        return _detail_page(decision)
    action = request.form.get("action")
    version = request.form.get("version")
    if action in ("issue", "revoke") and not is_fresh() and perms.covers(
            current_user, decision.issuing_unit, ("organiser",)):
        return confirm_first()
    if action == "issue":
        operation = lambda: service.issue(current_user, decision, version,  # noqa: E731
                                          local_today())
    elif action == "revoke":
        operation = lambda: service.revoke(current_user, decision, version,  # noqa: E731
                                           request.form.get("reason", ""))
    else:
        operation = lambda: service.refuse_edit(decision)  # noqa: E731
    return form_action(operation, form=Form(), success=_("Decision updated."),
                       target=url_for("decisions.detail", decision_id=decision.id),
                       on_refusal=lambda status: _detail_page(decision, status))


@bp.route("/decisions/<int:decision_id>/annex.xlsx")
@login_required
def annex(decision_id: int):
    decision = load_or_404(service.get_decision_for, current_user, decision_id)
    return xlsx_response(exports.annex(decision), f"phu-luc-{decision.id}.xlsx")


@bp.route("/decisions/<int:decision_id>/draft.docx")
@login_required
def draft(decision_id: int):
    decision = load_or_404(service.get_decision_for, current_user, decision_id)
    return _docx(lambda: documents.decision_draft(decision, service.decision_rows(decision)),
                 f"quyet-dinh-{decision.id}.docx")


def _create_page(status: int = 200):
    candidates, waiting = service.decision_candidates(current_user, local_today())
    # a refused post comes back with what was typed and ticked
    posted = request.form if request.method == "POST" else {}
    return render_template("awards/decision_new.html", candidates=candidates, waiting=waiting,
                           posted=posted, chosen=set(request.form.getlist("nomination")),
                           organised_units=unit_choices(current_user, ("organiser",)),
                           form=Form(formdata=None), today=local_today()), status


def _detail_page(decision, status: int = 200):
    nominations = [i.nomination for i in decision.items]
    overlaps = eligibility.overlap_warnings(nominations)
    # quotas over each unit's whole year; a draft's nominations beyond one are named
    quotas = [q for q in eligibility.quota_results(nominations)
              if decision.state == "draft" and set(q.exceeding) & {n.id for n in nominations}]
    return render_template("awards/decision.html", decision=decision, form=Form(formdata=None),
                           certificates=len(certificates.printable_items(current_user,
                                                                         decision)),
                           printers=certificates.printers(current_user, [decision.id]).get(
                               decision.id, []),
                           overlaps=overlaps, quotas=quotas, locale=current_locale(),
                           manage=perms.covers(current_user, decision.issuing_unit,
                                               ("organiser",))), status


def _docx(build, filename: str) -> Response:
    """A Word document of the decision's papers, built in Vietnamese whatever the reader's
    language (they are official papers), as a download."""
    with force_locale("vi"):
        data = build()
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument."
                                    "wordprocessingml.document",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "X-Content-Type-Options": "nosniff"})
