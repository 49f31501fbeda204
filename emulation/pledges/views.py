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
from emulation.core.web import (
    attempt,
    current_locale,
    flash_form_errors,
    form_action,
    ids_from,
    int_arg,
    load_or_404,
    local_today,
    paginate_rows,
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
    campaign, unit = load_or_404(services.campaign_unit_for, current_user, campaign_id, unit_id)
    if request.method == "GET":
        return _pledge_page(campaign, unit)
    form = VersionedForm()
    entries = {m.id: {k: request.form.get(f"m{m.id}-{k}", "") for k in services.ITEM_FIELDS}
               for m in campaign.movements}
    return form_action(lambda: services.save_pledge(
        current_user, campaign, unit, form.version.data, entries, current_locale()),
        form=form, success=_("Pledge saved."), target=_pledge_url(campaign, unit),
        on_refusal=lambda status: _pledge_page(campaign, unit, status,
                                               posted=None if form.errors else request.form))


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/pledge/titles", methods=["POST"])
@login_required
def titles(campaign_id: int, unit_id: int):
    campaign, unit = load_or_404(services.campaign_unit_for, current_user, campaign_id, unit_id)
    pledge = services.pledge_of(campaign, unit)
    if pledge is None:
        flash(_("Save the pledge before registering titles."), "danger")
        return _pledge_page(campaign, unit, 409)
    form = VersionedForm()
    person_titles = {code: _ids(request.form.getlist(f"person-{code}"))
                     for code in PERSON_TITLES}
    return form_action(lambda: services.set_titles(
        current_user, pledge, form.version.data,
        [c for c in request.form.getlist("unit_titles") if c],
        {code: ids for code, ids in person_titles.items() if ids}),
        form=form, success=_("Title registrations saved."), target=_pledge_url(campaign, unit),
        on_refusal=lambda status: _pledge_page(campaign, unit, status))


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/pledge/submit", methods=["POST"])
@login_required
def submit(campaign_id: int, unit_id: int):
    campaign, unit = load_or_404(services.campaign_unit_for, current_user, campaign_id, unit_id)
    pledge = services.pledge_of(campaign, unit)
    if pledge is None:
        flash(_("Save the pledge before submitting it."), "danger")
        return _pledge_page(campaign, unit, 409)
    form = VersionedForm()
    return _on_pledge(pledge, form, lambda: services.submit(
        current_user, pledge, form.version.data, local_today()), _("Pledge submitted."))


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


@bp.route("/campaigns/<int:campaign_id>/dashboard")
@login_required
def campaign_dashboard(campaign_id: int):
    """The campaign's dashboard: of the whole campaign, or of the organiser's branch."""
    from emulation.campaigns.queries import answering

    campaign = load_or_404(campaigns.get_campaign_for, current_user, campaign_id)
    follow = campaigns.follow_for(current_user, campaign)
    return render_template("campaigns/dashboard.html", campaign=campaign, SHOWN=30,
                           BEHIND_SHOWN=100, follow=follow,
                           branch=_branch_names(follow),
                           answers=answering(current_user, campaign, follow.unit_ids()),
                           data=dashboard.campaign_dashboard(
                               campaign, local_today(), int_arg("period"),
                               follow.unit_ids()))


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
    campaign, unit = load_or_404(services.campaign_unit_for, current_user, campaign_id, unit_id)
    period = load_or_404(reports.period_of, campaign, period_id, unit)
    if request.method == "GET":
        return _report_page(campaign, unit, period)
    form = ReportForm()
    pledge = services.pledge_of(campaign, unit)
    entries = {i.id: {k: request.form.get(f"i{i.id}-{k}", "") for k in (
        "achieved_value", "narrative", "progress_pct")}
        for i in (pledge.items if pledge else [])}
    sections = {k: getattr(form, k).data for k in ("integration", "task_progress",
                                                   "target_attainment", "difficulties")}
    return form_action(lambda: reports.save_report(
        current_user, campaign, unit, period, form.version.data, sections, entries,
        current_locale()), form=form, success=_("Report saved."),
        target=_report_url(campaign, unit, period),
        on_refusal=lambda status: _report_page(campaign, unit, period, status, form,
                                               posted=None if form.errors else request.form))


@bp.route("/reports/<int:report_id>/submit", methods=["POST"])
@login_required
def report_submit(report_id: int):
    report, campaign = load_or_404(reports.report_for, current_user, report_id)
    services.require_officer(current_user, report.unit)
    form = VersionedForm()
    return _on_report(report, campaign, form, lambda: reports.submit_report(
        current_user, report, form.version.data, local_today()), _("Report submitted."))


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


def _pledge_page(campaign: Campaign, unit: Unit, status: int = 200, posted=None):
    pledge = services.pledge_of(campaign, unit)
    items = {i.movement_id: i for i in pledge.items} if pledge else {}
    editable = (services.can_edit_for_unit(current_user, unit) and campaign.state == "published"
                and (pledge is None or pledge.state in services.EDITABLE))
    people = services.people_for_titles(unit) if editable or pledge else []
    registered = {(t.award_code, t.person_id) for t in pledge.titles} if pledge else set()
    unit_reports = {r.period_id: r for r in reports.reports_of(campaign, unit)} if pledge \
        else {}
    periods = reports.periods_of(campaign, unit)
    unit_progress = dashboard.unit_progress(campaign, unit, periods) if pledge and \
        pledge.state == PledgeState.APPROVED else []
    return render_template(
        "pledges/pledge.html", campaign=campaign, unit=unit, pledge=pledge, items=items,
        unit_progress=unit_progress, periods=periods,
        editable=editable, posted=posted, people=people, registered=registered,
        unit_titles=UNIT_TITLES, person_titles=PERSON_TITLES, reports=unit_reports,
        manage=campaigns.can_manage(current_user, campaign),
        form=VersionedForm(formdata=None, version=pledge.version if pledge else 0),
        return_form=ReturnForm(formdata=None, version=pledge.version if pledge else 0),
        today=local_today()), status


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


def _report_page(campaign, unit, period, status: int = 200, form=None, posted=None):
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
        posted=posted, evidence_form=EvidenceForm(formdata=None),
        action_form=VersionedForm(formdata=None, version=report.version if report else 0),
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
