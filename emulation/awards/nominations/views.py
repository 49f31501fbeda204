"""Nomination pages: the list, a new nomination, the dossier with its moves, bulk creation."""
from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from emulation.awards.blueprints import nominations as bp
from emulation.awards.decisions import services as decisions
from emulation.awards.decisions import superior
from emulation.awards.eligibility import batch
from emulation.awards.eligibility import services as eligibility
from emulation.awards.nominations import services as service
from emulation.awards.nominations.forms import (
    NominationActionForm,
    NominationForm,
    NominationTextForm,
    SuperiorDecisionForm,
    SuperiorRefusalForm,
    SuperiorSubmissionForm,
)
from emulation.awards.nominations.models import NOMINATION_STATES, Nomination
from emulation.campaigns import services as campaigns
from emulation.core import permissions as perms
from emulation.core import uploads
from emulation.core.forms import AttachmentForm
from emulation.core.web import (
    attempt,
    current_locale,
    flash_form_errors,
    int_arg,
    load_or_404,
    local_today,
    page_arg,
    save_then_act,
    send_attachment,
    upload_action,
    year_arg,
)
from emulation.jobs.web import export_response
from emulation.org.services import unit_by_code

ACTIONS = {"submit": service.submit, "receive": service.receive, "return": service.return_,
           "forward": service.forward, "agenda": service.put_on_agenda,
           "withdraw": service.withdraw}


@bp.route("/")
@login_required
def index():
    return _list()


def _list(status: int = 200):
    """The list page (answered with `status`: a refused check re-renders it)."""
    state = request.args.get("state") if request.args.get("state") in NOMINATION_STATES else None
    year = year_arg()
    pagination = service.nominations_page(current_user, state, year, page_arg())
    items = list(pagination.items)
    verdicts = eligibility.check_batch(items) if items else {}
    quotas = eligibility.quota_results(items)
    return render_template("awards/nominations.html", pagination=pagination, state=state,
                           year=year, verdicts=verdicts, quotas=quotas, locale=current_locale(),
                           overlaps=eligibility.overlap_warnings(items),
                           outcomes=decisions.outcomes(items, local_today()),
                           can_create=perms.can_any(current_user, service.OFFICER),
                           sources=service.bulk_sources(current_user),
                           bulk_form=NominationActionForm(formdata=None),
                           states=NOMINATION_STATES, may_check=batch.may_check(current_user),
                           check_year=year or local_today().year), status


@bp.route("/eligibility-check", methods=["POST"])
@login_required
def eligibility_check():
    """Start the check of a year's nominations (the form's `year`, required) as a job and go
    to its page; a refusal (not an organiser: 403, nothing to check: 400)
    re-renders the list with the reason."""
    if not NominationActionForm().validate_on_submit():
        abort(400)
    # the button sends its year; a post without one is refused with the reason, never read
    # as this year's check; one out of range is refused naming the range (batch.start_check)
    year = int_arg("year", 0, 9999, source=request.form)
    started = []
    status = attempt(lambda: started.append(batch.start_check(current_user, year)))
    if status:
        return _list(status)
    flash(_("The eligibility check has started. You may leave this page: a notification "
            "will tell you when it is finished."), "info")
    return redirect(url_for("jobs.detail", token=started[0].id), 303)


@bp.route("/eligibility-check/<token>")
@login_required
def eligibility_results(token: str):
    """The results of a check the user started: each nomination's verdict and the
    conditions not met, in words, with a link to it; `?only=not_eligible|unknown`."""
    only = request.args.get("only") if request.args.get("only") in (
        "not_eligible", "unknown") else None
    job, results = load_or_404(batch.results_page, current_user, token, only, page_arg(),
                               current_locale())
    return render_template("awards/eligibility_results.html", job=job, results=results,
                           only=only, year=job.data.get("year"),
                           summary=batch.summary(json.loads(job.result)))


@bp.route("/export.xlsx")
@login_required
def export():
    """The list as a spreadsheet, with the page's filters (a large one is a job)."""
    state = request.args.get("state") if request.args.get("state") in NOMINATION_STATES else None
    return export_response("nominations", {"state": state, "year": year_arg()})


@bp.route("/new", methods=["GET", "POST"])
@perms.roles_required(*service.OFFICER)
def create():
    form = NominationForm()
    _choices(form)
    status = 200
    if request.method == "GET":
        form.year.data = local_today().year
        grant = next((g for g in current_user.grants if g.role == "unit_officer" and g.unit),
                     None)
        if grant:
            form.proposing_unit_code.data = grant.unit.code
    elif form.validate_on_submit():
        made = []
        status = attempt(lambda: made.append(service.create_from_codes(
            current_user, award_id=int(form.award.data), year=form.year.data,
            proposing_unit_code=form.proposing_unit_code.data,
            person_code=form.person_code.data, unit_code=form.unit_code.data,
            campaign_id=form.campaign_id.data or None,
            texts={k: getattr(form, k).data for k in service.TEXT_FIELDS},
            kind=form.kind.data or None))) or 200
        if made:
            flash(_("Nomination saved as a draft."), "success")
            return redirect(url_for("nominations.detail", nomination_id=made[0].id))
    else:
        status = 400
    return render_template("awards/nomination_new.html", form=form), status


@bp.route("/<int:nomination_id>", methods=["GET", "POST"])
@login_required
def detail(nomination_id: int):
    """The dossier and its one form: the texts, the file chosen, the explanation for the
    council and the buttons `action=save` (the default), `action=attach` and
    `action=submit`. Every post saves what is on the page first, then attaches the file
    chosen, then submits what was just saved; a refusal shows the page with what was typed."""
    n = _nomination_or_404(nomination_id)
    if request.method == "GET":
        return _page(n)
    return _save_dossier_then(n, request.form.get("action", "save"))


def _save_dossier_then(n: Nomination, action: str):
    form = NominationTextForm()
    file = request.files.get("file")
    saved = []

    def save():
        service.update(current_user, n, form.version.data,
                       {k: getattr(form, k).data if k in request.form  # one not posted is kept
                        else getattr(n, k) for k in service.TEXT_FIELDS},
                       kind=form.kind.data or None)
        saved.append(n.version)

    def attach_then_submit():
        if file:
            service.attach(current_user, n, file)
        if action == "submit":
            service.submit(current_user, n, n.version, request.form.get("explanation", ""))

    def refused(status: int, was_saved: bool):
        if was_saved:  # the form goes on from the version just saved
            form.version.data = n.version
        return _page(n, status, form, unsaved=not was_saved)

    if action == "submit":
        success = _("Nomination submitted.")
    elif file:
        success = _("Dossier saved and file attached.")
    else:
        success = _("Changes saved.")
    return save_then_act(
        save, attach_then_submit if file or action == "submit" else None, form=form,
        success=success, target=url_for("nominations.detail", nomination_id=n.id),
        saved_message=_("Your changes are saved as a draft; the nomination was not "
                        "submitted.") if action == "submit"
        else _("Your changes are saved; choose the refused file again."),
        on_refusal=refused)


@bp.route("/<int:nomination_id>/<action>", methods=["POST"])
@login_required
def act(nomination_id: int, action: str):
    n = _nomination_or_404(nomination_id)
    if action not in ACTIONS:
        abort(404)
    form = NominationActionForm()
    if not form.validate_on_submit():
        abort(400)
    operation = ACTIONS[action]
    if action in ("return", "withdraw"):
        status = attempt(lambda: operation(current_user, n, form.version.data,
                                           form.reason.data))
    elif action == "submit":
        status = attempt(lambda: operation(current_user, n, form.version.data,
                                           form.reason.data))
    else:
        status = attempt(lambda: operation(current_user, n, form.version.data))
    if status:
        return _page(n, status)
    flash(_("Dossier updated."), "success")
    return redirect(url_for("nominations.detail", nomination_id=n.id))


@bp.route("/<int:nomination_id>/superior/<step>", methods=["POST"])
@login_required
def superior_step(nomination_id: int, step: str):
    """Trình cấp trên: send the dossier to the level that decides its award (`submit`), then
    record that level's decision (`decision`) or refusal (`refusal`)."""
    n = _nomination_or_404(nomination_id)
    forms = {"submit": SuperiorSubmissionForm, "decision": SuperiorDecisionForm,
             "refusal": SuperiorRefusalForm}
    if step not in forms:
        abort(404)
    form = forms[step]()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _page(n, 400)
    today = local_today()
    operation = {
        "submit": lambda: superior.submit_to_superior(
            current_user, n, form.version.data, submitted_on=form.submitted_on.data,
            document_number=form.document_number.data, today=today),
        "decision": lambda: superior.record_superior_decision(
            current_user, n, form.version.data, decision_number=form.decision_number.data,
            decided_on=form.decided_on.data, deciding_body=form.deciding_body.data,
            cash_amount=form.cash_amount.data, today=today),
        "refusal": lambda: superior.record_superior_refusal(
            current_user, n, form.version.data, decided_on=form.decided_on.data,
            reason=form.reason.data, today=today)}[step]
    status = attempt(operation)
    if status:
        return _page(n, status)
    flash(_("Dossier updated."), "success")
    return redirect(url_for("nominations.detail", nomination_id=n.id))


@bp.route("/<int:nomination_id>/attachments", methods=["POST"])
@login_required
def attach(nomination_id: int):
    n = _nomination_or_404(nomination_id)
    if not service.can_edit(current_user, n):
        abort(403)
    return upload_action(lambda file: service.attach(current_user, n, file),
                         form=AttachmentForm(),
                         target=url_for("nominations.detail", nomination_id=n.id),
                         on_refusal=lambda status: _page(n, status))


@bp.route("/<int:nomination_id>/attachments/<int:attachment_id>")
@login_required
def attachment(nomination_id: int, attachment_id: int):
    n = _nomination_or_404(nomination_id)
    return send_attachment(attachment_id, "nomination", [n.id])


@bp.route("/from-registrations", methods=["POST"])
@perms.roles_required(*service.OFFICER)
def from_registrations():
    """Drafts from a unit's approved title registrations; the result page lists the drafts
    made and each registration skipped with the reason."""
    campaign = _campaign(int_arg("campaign_id", source=request.form))
    unit = unit_by_code(request.form.get("unit_code", ""))
    if unit is None or not perms.covers(current_user, unit, service.OFFICER):
        abort(400)
    back = url_for("pledges.pledge", campaign_id=campaign.id, unit_id=unit.id)
    return _bulk(lambda: service.from_title_registrations(current_user, campaign, unit,
                                                          campaign.year_end),
                 campaign, back, _("Pledge of %(unit)s", unit=unit.name))


@bp.route("/from-ranking", methods=["POST"])
@perms.roles_required("organiser")
def from_ranking():
    """Flag drafts for the frozen ranking's leaders, with the result page as above."""
    campaign = _campaign(int_arg("campaign_id", source=request.form))
    if not campaigns.can_manage(current_user, campaign):
        abort(403)
    back = url_for("scoring.ranking", campaign_id=campaign.id)
    return _bulk(lambda: service.from_ranking(current_user, campaign, campaign.year_end),
                 campaign, back, _("Ranking"))


def _bulk(operation, campaign, back: str, back_label: str):
    if not NominationActionForm().validate_on_submit():
        abort(400)
    result = []
    status = attempt(lambda: result.append(operation()))
    if status:
        return redirect(back), 303
    made = result[0]
    return render_template("awards/bulk_result.html", result=made, campaign=campaign,
                           back=back, back_label=back_label,
                           readable={n.id for n in made.made
                                     if service.can_read(current_user, n)})


def _page(n: Nomination, status: int = 200, form=None, unsaved: bool = False):
    if form is None:
        form = NominationTextForm(formdata=None, obj=n)
        form.version.data = n.version
    live = eligibility.check_batch([n])[n.id]
    stored = json.loads(n.eligibility) if n.eligibility else None
    handle = service.can_handle(current_user, n)
    upward = superior.needs_superior(n)
    return render_template(
        "awards/nomination.html", n=n, form=form, live=live, stored=stored,
        outcome=decisions.outcomes([n], local_today()).get(n.id),
        upward=upward, deciding_level=superior.deciding_level_label(n),
        submission_form=_superior_form(SuperiorSubmissionForm, n, submitted_on=local_today())
        if handle and upward and n.state == "on_agenda" else None,
        decision_form=_superior_form(SuperiorDecisionForm, n,
                                     deciding_body=n.award_type.issuing_authority)
        if handle and n.state == "submitted_up" else None,
        refusal_form=_superior_form(SuperiorRefusalForm, n)
        if handle and n.state == "submitted_up" else None,
        overlaps=eligibility.overlap_warnings([n])[n.id],
        quotas=eligibility.quota_results([n]),
        attachments=uploads.attachments_of("nomination", [n.id])[n.id],
        attachment_form=AttachmentForm(formdata=None),
        unsaved=unsaved, explanation=request.form.get("explanation", "")
        if request.method == "POST" else "",
        council_here=handle and n.state == "received" and service.has_council(n.level_unit),
        locale=current_locale(), action_form=NominationActionForm(formdata=None,
                                                                  version=n.version),
        can_edit=service.can_edit(current_user, n), can_handle=handle,
        council_reader=not handle and not perms.covers(current_user, n.proposing_unit,
                                                        service.OFFICER)
        and n.id in service.on_agenda_of(current_user, [n.id]),
        can_withdraw=n.state not in service.NOT_WITHDRAWABLE and (
            service.can_edit(current_user, n) or service.can_handle(current_user, n)
            or perms.covers(current_user, n.proposing_unit, service.OFFICER))), status


def _superior_form(form_class, n: Nomination, **data):
    return form_class(formdata=None, version=n.version, **data)


def _choices(form) -> None:
    form.award.choices, form.campaign_id.choices = service.form_choices(current_user)


def _campaign(campaign_id):
    if not campaign_id:
        abort(400)
    return load_or_404(campaigns.get_campaign_for, current_user, campaign_id)


def _nomination_or_404(nomination_id: int) -> Nomination:
    return load_or_404(service.get_for, current_user, nomination_id)
