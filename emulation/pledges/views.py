"""Pledge, title registration and report pages; the organiser's overview and dashboard.

Records are loaded through `load_or_404` (what the user may not see is a 404); what the user
may see but not do is refused by the service (`require_*`, PermissionDenied: a 403)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from emulation.campaigns import dashboard
from emulation.campaigns import services as campaigns
from emulation.campaigns.models import Campaign
from emulation.core import permissions as perms
from emulation.core import uploads
from emulation.core.errors import ServiceError
from emulation.core.web import (
    attempt,
    current_locale,
    flash_form_errors,
    form_action,
    ids_from,
    int_arg,
    load_or_404,
    local_today,
    page_arg,
    paginate_rows,
    save_then_act,
    send_attachment,
    upload_action,
)
from emulation.jobs.web import export_response
from emulation.org.models import Unit
from emulation.pledges import reports, services
from emulation.pledges.enums import NOT_STARTED, PledgeState
from emulation.pledges.forms import (
    EvidenceForm,
    ExtensionForm,
    ReopenForm,
    ReportForm,
    ReturnForm,
    VersionedForm,
)
from emulation.pledges.models import PERSON_TITLES, UNIT_TITLES, Report

bp = Blueprint("pledges", __name__)


@bp.route("/pledges/")
@perms.roles_required(*services.OFFICER)
def mine():
    return render_template("pledges/mine.html", rows=services.unit_campaigns(current_user))


# --- a unit's pledge ---------------------------------------------------------------------------

@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/pledge", methods=["GET", "POST"])
@login_required
def pledge(campaign_id: int, unit_id: int):
    """The pledge page and its one form: the commitments, the title registrations and the
    buttons `action=save` (the default) and `action=submit`. Every post saves what is on
    the page first; a submission then submits what was just saved."""
    campaign, unit = load_or_404(services.campaign_unit_for, current_user, campaign_id, unit_id)
    if request.method == "GET":
        return _pledge_page(campaign, unit)
    return _save_pledge_then(campaign, unit, request.form.get("action") == "submit")


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/pledge/titles", methods=["POST"])
@login_required
def titles(campaign_id: int, unit_id: int):
    campaign, unit = load_or_404(services.campaign_unit_for, current_user, campaign_id, unit_id)
    pledge = services.pledge_of(campaign, unit)
    if pledge is None:
        flash(_("Save the pledge before registering titles."), "danger")
        return _pledge_page(campaign, unit, 409)
    form = VersionedForm()
    return form_action(lambda: services.set_titles(
        current_user, pledge, form.version.data, *_posted_titles()),
        form=form, success=_("Title registrations saved."), target=_pledge_url(campaign, unit),
        on_refusal=lambda status: _pledge_page(campaign, unit, status))


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/pledge/submit", methods=["POST"])
@login_required
def submit(campaign_id: int, unit_id: int):
    """Submit the pledge; the fields posted with it (the page's form) are saved first."""
    campaign, unit = load_or_404(services.campaign_unit_for, current_user, campaign_id, unit_id)
    if not _posted_entries(campaign) and services.pledge_of(campaign, unit) is None:
        flash(_("Save the pledge before submitting it."), "danger")
        return _pledge_page(campaign, unit, 409)
    return _save_pledge_then(campaign, unit, True)


@bp.route("/pledges/<int:pledge_id>/approve", methods=["POST"])
@login_required
def approve(pledge_id: int):
    pledge = load_or_404(services.pledge_for, current_user, pledge_id)
    services.require_organiser(current_user, pledge)
    form = VersionedForm()
    return _on_pledge(pledge, form, lambda: services.approve(current_user, pledge,
                                                             form.version.data),
                      _("Pledge approved."))


@bp.route("/pledges/<int:pledge_id>/return", methods=["POST"])
@login_required
def return_(pledge_id: int):
    pledge = load_or_404(services.pledge_for, current_user, pledge_id)
    services.require_organiser(current_user, pledge)
    form = ReturnForm()
    return _on_pledge(pledge, form, lambda: services.return_pledge(
        current_user, pledge, form.version.data, form.reason.data),
        _("Pledge returned to the unit."))


# --- organiser's overview ----------------------------------------------------------------------

@bp.route("/campaigns/<int:campaign_id>/pledges")
@login_required
def overview(campaign_id: int):
    """The participants' pledges: of the whole campaign for its organisers, of their branch
    for the organisers of a unit below the issuing unit (read-only for them)."""
    campaign = load_or_404(campaigns.get_campaign_for, current_user, campaign_id)
    campaigns.follow_for(current_user, campaign)
    return _overview_page(campaign)


@bp.route("/campaigns/<int:campaign_id>/pledges/bulk-approve", methods=["POST"])
@login_required
def bulk_approve(campaign_id: int):
    campaign = load_or_404(campaigns.get_campaign_for, current_user, campaign_id)
    campaigns.require_manage(current_user, campaign)
    if not VersionedForm().validate_on_submit():
        abort(400)
    chosen = _ids(request.form.getlist("pledge"))
    candidates = services.bulk_candidates(campaign, chosen)
    if not candidates:
        flash(_("Choose at least one submitted pledge."), "warning")
        return _overview_page(campaign, 400)
    if request.form.get("confirm") != "1":
        return render_template("pledges/bulk_preview.html", campaign=campaign,
                               pledges=candidates, form=VersionedForm(formdata=None))
    approved = []
    status = attempt(lambda: approved.extend(services.bulk_approve(current_user, campaign,
                                                                   chosen)))
    if status:
        return _overview_page(campaign, status)
    flash(_("%(n)d pledges approved.", n=len(approved)), "success")
    return redirect(url_for("pledges.overview", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/extensions", methods=["POST"])
@login_required
def extension(campaign_id: int):
    campaign = load_or_404(campaigns.get_campaign_for, current_user, campaign_id)
    campaigns.require_manage(current_user, campaign)
    form = ExtensionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _overview_page(campaign, 400)
    return form_action(lambda: services.grant_extension(
        current_user, campaign, services.extension_unit(campaign, form.kind.data,
                                                        form.unit_code.data),
        form.until.data, form.kind.data),
                       success=_("Extension granted."),
                       target=url_for("pledges.overview", campaign_id=campaign.id),
                       on_refusal=lambda status: _overview_page(campaign, status))


BEHIND_SHOWN = 100  # units behind schedule a page of the dashboard


@bp.route("/campaigns/<int:campaign_id>/dashboard")
@login_required
def campaign_dashboard(campaign_id: int):
    """The campaign's dashboard: of the whole campaign, or of the organiser's branch."""
    from emulation.campaigns.queries import answering

    campaign = load_or_404(campaigns.get_campaign_for, current_user, campaign_id)
    follow = campaigns.follow_for(current_user, campaign)
    return render_template("campaigns/dashboard.html", campaign=campaign, SHOWN=30,
                           follow=follow, branch=_branch_names(follow),
                           answers=answering(current_user, campaign, follow.unit_ids()),
                           data=dashboard.campaign_dashboard(
                               campaign, local_today(), int_arg("period"),
                               follow.unit_ids(), behind_page=page_arg(),
                               behind_per_page=BEHIND_SHOWN))


@bp.route("/campaigns/<int:campaign_id>/export/pledges.xlsx")
@login_required
def export_pledges(campaign_id: int):
    campaign = load_or_404(campaigns.get_campaign_for, current_user, campaign_id)
    campaigns.follow_for(current_user, campaign)
    return export_response("pledges", {"campaign_id": campaign.id})


@bp.route("/campaigns/<int:campaign_id>/export/results.xlsx")
@login_required
def export_results(campaign_id: int):
    campaign = load_or_404(campaigns.get_campaign_for, current_user, campaign_id)
    campaigns.follow_for(current_user, campaign)
    return export_response("results", {"campaign_id": campaign.id})


# --- reports -----------------------------------------------------------------------------------

@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/reports/<int:period_id>",
          methods=["GET", "POST"])
@login_required
def report(campaign_id: int, unit_id: int, period_id: int):
    """The report page and its one form: the four texts, the results per pledge item, an
    evidence file per item, and the buttons `action=save` (the default), `action=attach`
    (the same: saves, then attaches the chosen files) and `action=submit`. Every post saves
    what is on the page first, then attaches the chosen files, then submits."""
    campaign, unit = load_or_404(services.campaign_unit_for, current_user, campaign_id, unit_id)
    period = load_or_404(reports.period_of, campaign, period_id, unit)
    if request.method == "GET":
        return _report_page(campaign, unit, period)
    return _save_report_then(campaign, unit, period, request.form.get("action") == "submit")


@bp.route("/reports/<int:report_id>/submit", methods=["POST"])
@login_required
def report_submit(report_id: int):
    """Submit the report; the fields posted with it (the page's form) are saved first."""
    report, campaign = load_or_404(reports.report_for, current_user, report_id)
    services.require_officer(current_user, report.unit)
    return _save_report_then(campaign, report.unit, report.period, True)


@bp.route("/reports/<int:report_id>/reopen", methods=["POST"])
@login_required
def report_reopen(report_id: int):
    report, campaign = load_or_404(reports.report_for, current_user, report_id)
    campaigns.require_manage(current_user, campaign)
    form = ReopenForm()
    return _on_report(report, campaign, form, lambda: reports.reopen_report(
        current_user, report, form.version.data, form.reason.data), _("Report reopened."))


@bp.route("/reports/<int:report_id>/items/<int:item_id>/evidence", methods=["POST"])
@login_required
def evidence_add(report_id: int, item_id: int):
    report, campaign = load_or_404(reports.report_for, current_user, report_id)
    services.require_officer(current_user, report.unit)
    item = load_or_404(reports.item_of, report, item_id)
    unit, period = report.unit, report.period
    return upload_action(lambda file: reports.add_evidence(current_user, report, item, file),
                         form=EvidenceForm(), success=_("Evidence attached."),
                         target=_report_url(campaign, unit, period),
                         on_refusal=lambda status: _report_page(campaign, unit, period,
                                                                status))


@bp.route("/reports/<int:report_id>/evidence/<int:attachment_id>")
@login_required
def evidence(report_id: int, attachment_id: int):
    report, _campaign = load_or_404(reports.report_for, current_user, report_id)
    return send_attachment(attachment_id, "report_item", [i.id for i in report.items])


# --- helpers -----------------------------------------------------------------------------------

OVERVIEW_PER_PAGE = 100


def _pledge_page(campaign: Campaign, unit: Unit, status: int = 200, posted=None,
                 unsaved: bool = False):
    """The pledge page; `posted` (a refused post) fills the form with what was typed,
    `unsaved` marks it as not saved (the browser then asks before leaving it)."""
    pledge = services.pledge_of(campaign, unit)
    items = {i.movement_id: i for i in pledge.items} if pledge else {}
    editable = (services.can_edit_for_unit(current_user, unit) and campaign.state == "published"
                and (pledge is None or pledge.state in services.EDITABLE))
    people = services.people_for_titles(unit) if editable or pledge else []
    registered = {(t.award_code, t.person_id) for t in pledge.titles} if pledge else set()
    if posted is not None and posted.get("titles") == "1":
        unit_codes, people_by_code = _posted_titles()
        registered = {(code, None) for code in unit_codes} | {
            (code, pid) for code, ids in people_by_code.items() for pid in ids}
    unit_reports = {r.period_id: r for r in reports.reports_of(campaign, unit)} if pledge \
        else {}
    periods = reports.periods_of(campaign, unit)
    unit_progress = dashboard.unit_progress(campaign, unit, periods) if pledge and \
        pledge.state == PledgeState.APPROVED else []
    return render_template(
        "pledges/pledge.html", campaign=campaign, unit=unit, pledge=pledge, items=items,
        unit_progress=unit_progress, periods=periods,
        editable=editable, posted=posted, unsaved=unsaved, people=people,
        registered=registered,
        unit_titles=UNIT_TITLES, person_titles=PERSON_TITLES, reports=unit_reports,
        manage=campaigns.can_manage(current_user, campaign),
        # the approved registrations become draft nominations (nominations.from_registrations)
        can_nominate=bool(pledge and pledge.state == PledgeState.APPROVED and pledge.titles
                          and perms.covers(current_user, unit, ("unit_officer",))),
        form=VersionedForm(formdata=None, version=pledge.version if pledge else 0),
        return_form=ReturnForm(formdata=None, version=pledge.version if pledge else 0),
        today=local_today()), status


def _posted_entries(campaign: Campaign) -> dict:
    """movement id → its posted fields, for the movements posted (one left out is kept)."""
    return {m.id: {k: request.form.get(f"m{m.id}-{k}", "") for k in services.ITEM_FIELDS}
            for m in campaign.movements
            if any(f"m{m.id}-{k}" in request.form for k in services.ITEM_FIELDS)}


def _posted_titles() -> tuple[list[str], dict[str, list[int]]]:
    """(unit title codes, {person title code: [person ids]}) as posted."""
    person_titles = {code: _ids(request.form.getlist(f"person-{code}"))
                     for code in PERSON_TITLES}
    return ([c for c in request.form.getlist("unit_titles") if c],
            {code: ids for code, ids in person_titles.items() if ids})


def _save_pledge_then(campaign: Campaign, unit: Unit, submitting: bool):
    """Save what the page posted (commitments; the title registrations when their section
    was on the page, `titles=1`), then submit it when asked. A refusal shows the page again
    with what was typed (see `save_then_act`)."""
    form = VersionedForm()
    saved = []
    entries = _posted_entries(campaign)
    titles = _posted_titles() if request.form.get("titles") == "1" else None

    def save():
        pledge = services.pledge_of(campaign, unit)
        if submitting and not entries and titles is None and pledge is not None:
            # the action posted alone (an older page): nothing typed to save
            saved.append((pledge, form.version.data))
            return
        pledge = services.save_pledge(current_user, campaign, unit, form.version.data,
                                      entries, current_locale(), titles)
        saved.append((pledge, pledge.version))

    def submit_saved():
        services.submit(current_user, *saved[0], local_today())

    return save_then_act(
        save, submit_saved if submitting else None, form=form,
        success=_("Pledge submitted.") if submitting else _("Pledge saved."),
        saved_message=_("Your changes are saved as a draft; the pledge was not submitted."),
        target=_pledge_url(campaign, unit),
        on_refusal=lambda status, was_saved: _pledge_page(
            campaign, unit, status, posted=request.form, unsaved=not was_saved))


def _on_pledge(pledge, form, operation, success: str):
    """A move of the pledge posted from its page: back to it, or the page with the reason."""
    campaign, unit = pledge.campaign, pledge.unit
    return form_action(operation, form=form, success=success,
                       target=_pledge_url(campaign, unit),
                       on_refusal=lambda status: _pledge_page(campaign, unit, status))


def _overview_page(campaign: Campaign, status: int = 200):
    state = request.args.get("state")
    if state not in (NOT_STARTED, *PledgeState.values()):
        state = None
    follow = campaigns.follow_for(current_user, campaign)
    among = follow.unit_ids()
    return render_template("pledges/overview.html", campaign=campaign,
                           pagination=paginate_rows(services.overview(campaign, state, among),
                                                    OVERVIEW_PER_PAGE),
                           counts=services.state_counts(campaign, among), state=state,
                           manage=follow.whole, branch=_branch_names(follow),
                           extensions=services.extensions_of(campaign, among),
                           form=VersionedForm(formdata=None),
                           extension_form=ExtensionForm(formdata=None)), status


def _branch_names(follow) -> list[str]:
    """The names of the units whose branch the organiser follows (empty: the whole
    campaign)."""
    if follow.whole:
        return []
    return services.unit_names_at(follow.paths)


REPORT_SECTIONS = ("integration", "task_progress", "target_attainment", "difficulties")
REPORT_ITEM_FIELDS = ("achieved_value", "narrative", "progress_pct")


def _save_report_then(campaign, unit, period, submitting: bool):
    """Save what the report page posted (the texts and the results of the items posted),
    attach the evidence files chosen on it, then submit the report when asked; a refusal
    shows the page again with what was typed (see `save_then_act`)."""
    form = ReportForm()
    pledge = services.pledge_of(campaign, unit)
    items = pledge.items if pledge else []
    entries = {i.id: {k: request.form.get(f"i{i.id}-{k}", "") for k in REPORT_ITEM_FIELDS}
               for i in items if any(f"i{i.id}-{k}" in request.form
                                     for k in REPORT_ITEM_FIELDS)}
    typed = bool(entries) or any(k in request.form for k in REPORT_SECTIONS)
    files = [(i, request.files[f"i{i.id}-file"]) for i in items
             if request.files.get(f"i{i.id}-file")]
    saved = []

    def save():
        report = reports.report_of(unit, period)
        if submitting and not typed and report is not None:
            saved.append((report, form.version.data))  # the action posted alone
            return
        sections = {k: getattr(form, k).data if k in request.form  # one not posted is kept
                    else getattr(report, k, "") for k in REPORT_SECTIONS}
        report = reports.save_report(current_user, campaign, unit, period,
                                     form.version.data, sections, entries, current_locale())
        saved.append((report, report.version))

    def attach_then_submit():
        report = saved[0][0]
        rows = {row.pledge_item_id: row for row in report.items}
        for item, file in files:
            row = rows.get(item.id)
            if row is None:  # an item the save did not reach: its results were not posted
                raise ServiceError(_("Save the results of movement %(n)d before attaching "
                                     "its evidence.", n=item.movement.number))
            reports.add_evidence(current_user, report, row, file)
        if submitting:
            reports.submit_report(current_user, report, saved[0][1])

    if submitting:
        success = _("Report submitted.")
    elif files:
        success = _("Report saved and evidence attached.")
    else:
        success = _("Report saved.")
    def refused(status: int, was_saved: bool):
        if was_saved:  # the form goes on from the version just saved
            form.version.data = saved[0][0].version
        return _report_page(campaign, unit, period, status, form, posted=request.form,
                            unsaved=not was_saved)

    return save_then_act(
        save, attach_then_submit if files or submitting else None, form=form,
        success=success, target=_report_url(campaign, unit, period),
        saved_message=_("Your changes are saved as a draft; the report was not submitted.")
        if submitting else _("Your changes are saved; choose the refused file again."),
        on_refusal=refused)


def _report_page(campaign, unit, period, status: int = 200, form=None, posted=None,
                 unsaved: bool = False):
    """The report page; `posted` and a bound `form` (a refused post) fill it with what was
    typed, `unsaved` marks it as not saved (the browser then asks before leaving it)."""
    pledge = services.pledge_of(campaign, unit)
    report = reports.report_of(unit, period)
    if form is None:
        form = ReportForm(formdata=None, obj=report)
        form.version.data = report.version if report else 0
    rows = {r.pledge_item_id: r for r in report.items} if report else {}
    evidence = uploads.attachments_of("report_item", [r.id for r in rows.values()])
    editable = (services.can_edit_for_unit(current_user, unit) and campaign.state == "published"
                and pledge is not None and pledge.state == PledgeState.APPROVED
                and (report is None or report.state == "draft"))
    return render_template(
        "pledges/report.html", campaign=campaign, unit=unit, period=period, pledge=pledge,
        report=report, rows=rows, evidence=evidence, editable=editable, form=form,
        posted=posted, unsaved=unsaved,
        reopen_form=ReopenForm(formdata=None, version=report.version if report else 0),
        manage=campaigns.can_manage(current_user, campaign)), status


def _on_report(report: Report, campaign, form, operation, success: str):
    """A move of the report posted from its page: back to it, or the page with the reason."""
    unit, period = report.unit, report.period
    return form_action(operation, form=form, success=success,
                       target=_report_url(campaign, unit, period),
                       on_refusal=lambda status: _report_page(campaign, unit, period, status))


def _pledge_url(campaign, unit) -> str:
    return url_for("pledges.pledge", campaign_id=campaign.id, unit_id=unit.id)


def _report_url(campaign, unit, period) -> str:
    return url_for("pledges.report", campaign_id=campaign.id, unit_id=unit.id,
                   period_id=period.id)


def _ids(values) -> list[int]:
    """Row ids posted as a list; anything else is ignored."""
    return ids_from(values)
