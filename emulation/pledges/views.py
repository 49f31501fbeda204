"""Pledge, title registration and report pages; the organiser's overview and dashboard."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from emulation.campaigns import services as campaigns
from emulation.campaigns.models import Campaign, ReportPeriod
from emulation.core import permissions as perms
from emulation.core import uploads
from emulation.core.errors import NotFound
from emulation.core.web import (
    attempt,
    current_locale,
    flash_form_errors,
    int_arg,
    local_today,
    paginate_rows,
    xlsx_response,
)
from emulation.extensions import db
from emulation.org.models import Person, Unit
from emulation.org.services import unit_by_code
from emulation.pledges import dashboard, exports, services
from emulation.pledges.forms import (
    EvidenceForm,
    ExtensionForm,
    ReopenForm,
    ReportForm,
    ReturnForm,
    VersionedForm,
)
from emulation.pledges.models import PERSON_TITLES, UNIT_TITLES, Pledge, Report, ReportItem

bp = Blueprint("pledges", __name__)


@bp.route("/pledges/")
@perms.roles_required(*services.OFFICER)
def mine():
    return render_template("pledges/mine.html", rows=services.unit_campaigns(current_user))


# --- a unit's pledge ---------------------------------------------------------------------------

@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/pledge", methods=["GET", "POST"])
@login_required
def pledge(campaign_id: int, unit_id: int):
    campaign, unit = _campaign_unit_or_404(campaign_id, unit_id)
    if request.method == "POST":
        form = VersionedForm()
        if not form.validate_on_submit():
            flash_form_errors(form)
            return _pledge_page(campaign, unit, 400)
        entries = {m.id: {k: request.form.get(f"m{m.id}-{k}", "") for k in (
            "commitment", "indicator", "unit_of_measure", "target_value")}
            for m in campaign.movements}
        status = attempt(lambda: services.save_pledge(
            current_user, campaign, unit, form.version.data, entries, current_locale()))
        if status:
            return _pledge_page(campaign, unit, status, posted=request.form)
        flash(_("Pledge saved."), "success")
        return redirect(url_for("pledges.pledge", campaign_id=campaign.id, unit_id=unit.id))
    return _pledge_page(campaign, unit)


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/pledge/titles", methods=["POST"])
@login_required
def titles(campaign_id: int, unit_id: int):
    campaign, unit = _campaign_unit_or_404(campaign_id, unit_id)
    pledge = services.pledge_of(campaign, unit)
    form = VersionedForm()
    if pledge is None:
        flash(_("Save the pledge before registering titles."), "danger")
        return _pledge_page(campaign, unit, 409)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _pledge_page(campaign, unit, 400)

    def ids(code):
        values = []
        for raw in request.form.getlist(f"person-{code}"):
            try:
                values.append(int(raw))
            except ValueError:
                continue
        return values

    status = attempt(lambda: services.set_titles(
        current_user, pledge, form.version.data,
        [c for c in request.form.getlist("unit_titles") if c],
        {code: ids(code) for code in PERSON_TITLES if ids(code)}))
    if status:
        return _pledge_page(campaign, unit, status)
    flash(_("Title registrations saved."), "success")
    return redirect(url_for("pledges.pledge", campaign_id=campaign.id, unit_id=unit.id))


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/pledge/submit", methods=["POST"])
@login_required
def submit(campaign_id: int, unit_id: int):
    campaign, unit = _campaign_unit_or_404(campaign_id, unit_id)
    pledge = services.pledge_of(campaign, unit)
    if pledge is None:
        flash(_("Save the pledge before submitting it."), "danger")
        return _pledge_page(campaign, unit, 409)
    return _pledge_act(campaign, unit, VersionedForm(), lambda form: services.submit(
        current_user, pledge, form.version.data, local_today()), _("Pledge submitted."))


@bp.route("/pledges/<int:pledge_id>/approve", methods=["POST"])
@login_required
def approve(pledge_id: int):
    pledge = _pledge_or_404(pledge_id, organiser=True)
    return _pledge_act(pledge.campaign, pledge.unit, VersionedForm(),
                       lambda form: services.approve(current_user, pledge, form.version.data),
                       _("Pledge approved."))


@bp.route("/pledges/<int:pledge_id>/return", methods=["POST"])
@login_required
def return_(pledge_id: int):
    pledge = _pledge_or_404(pledge_id, organiser=True)
    return _pledge_act(pledge.campaign, pledge.unit, ReturnForm(),
                       lambda form: services.return_pledge(current_user, pledge,
                                                           form.version.data, form.reason.data),
                       _("Pledge returned to the unit."))


# --- organiser's overview ----------------------------------------------------------------------

@bp.route("/campaigns/<int:campaign_id>/pledges")
@login_required
def overview(campaign_id: int):
    campaign = _managed_campaign_or_404(campaign_id)
    return _overview_page(campaign)


@bp.route("/campaigns/<int:campaign_id>/pledges/bulk-approve", methods=["POST"])
@login_required
def bulk_approve(campaign_id: int):
    campaign = _managed_campaign_or_404(campaign_id)
    if not VersionedForm().validate_on_submit():
        abort(400)
    chosen = [int(v) for v in request.form.getlist("pledge") if v.isdigit()]
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
    campaign = _managed_campaign_or_404(campaign_id)
    form = ExtensionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _overview_page(campaign, 400)
    unit = unit_by_code(form.unit_code.data)
    if unit is None:
        flash(_("No unit has the code %(code)s.", code=form.unit_code.data), "danger")
        return _overview_page(campaign, 400)
    status = attempt(lambda: services.grant_extension(current_user, campaign, unit,
                                                      form.until.data))
    if status:
        return _overview_page(campaign, status)
    flash(_("Extension granted."), "success")
    return redirect(url_for("pledges.overview", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/dashboard")
@login_required
def campaign_dashboard(campaign_id: int):
    campaign = _managed_campaign_or_404(campaign_id)
    return render_template("pledges/dashboard.html", campaign=campaign, SHOWN=30,
                           BEHIND_SHOWN=100,
                           data=dashboard.campaign_dashboard(
                               campaign, local_today(), int_arg("period")))


@bp.route("/campaigns/<int:campaign_id>/export/pledges.xlsx")
@login_required
def export_pledges(campaign_id: int):
    campaign = _managed_campaign_or_404(campaign_id)
    return xlsx_response(exports.pledges_workbook(campaign), f"dang-ky-thi-dua-{campaign.id}.xlsx")


@bp.route("/campaigns/<int:campaign_id>/export/results.xlsx")
@login_required
def export_results(campaign_id: int):
    campaign = _managed_campaign_or_404(campaign_id)
    return xlsx_response(exports.results_workbook(campaign), f"ket-qua-thi-dua-{campaign.id}.xlsx")


# --- reports -----------------------------------------------------------------------------------

@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/reports/<int:period_id>",
          methods=["GET", "POST"])
@login_required
def report(campaign_id: int, unit_id: int, period_id: int):
    campaign, unit = _campaign_unit_or_404(campaign_id, unit_id)
    period = db.session.get(ReportPeriod, period_id)
    if period is None or period.campaign_id != campaign.id:
        abort(404)
    if request.method == "POST":
        form = ReportForm()
        if not form.validate_on_submit():
            flash_form_errors(form)
            return _report_page(campaign, unit, period, 400, form)
        pledge = services.pledge_of(campaign, unit)
        entries = {i.id: {k: request.form.get(f"i{i.id}-{k}", "") for k in (
            "achieved_value", "narrative", "progress_pct")}
            for i in (pledge.items if pledge else [])}
        sections = {k: getattr(form, k).data for k in ("integration", "task_progress",
                                                       "target_attainment", "difficulties")}
        status = attempt(lambda: services.save_report(
            current_user, campaign, unit, period, form.version.data, sections, entries,
            current_locale()))
        if status:
            return _report_page(campaign, unit, period, status, form, posted=request.form)
        flash(_("Report saved."), "success")
        return redirect(url_for("pledges.report", campaign_id=campaign.id, unit_id=unit.id,
                                period_id=period.id))
    return _report_page(campaign, unit, period)


@bp.route("/reports/<int:report_id>/submit", methods=["POST"])
@login_required
def report_submit(report_id: int):
    report, campaign = _report_or_404(report_id)
    if not services.can_edit_for_unit(current_user, report.unit):
        abort(403)
    return _report_act(report, campaign, VersionedForm(), lambda form: services.submit_report(
        current_user, report, form.version.data), _("Report submitted."))


@bp.route("/reports/<int:report_id>/reopen", methods=["POST"])
@login_required
def report_reopen(report_id: int):
    report, campaign = _report_or_404(report_id)
    if not campaigns.can_manage(current_user, campaign):
        abort(403)
    return _report_act(report, campaign, ReopenForm(), lambda form: services.reopen_report(
        current_user, report, form.version.data, form.reason.data), _("Report reopened."))


@bp.route("/reports/<int:report_id>/items/<int:item_id>/evidence", methods=["POST"])
@login_required
def evidence_add(report_id: int, item_id: int):
    report, campaign = _report_or_404(report_id)
    if not services.can_edit_for_unit(current_user, report.unit):
        abort(403)
    item = db.session.get(ReportItem, item_id)
    if item is None or item.report_id != report.id:
        abort(404)
    return _report_act(report, campaign, EvidenceForm(), lambda form: services.add_evidence(
        current_user, report, item, form.file.data), _("Evidence attached."))


@bp.route("/reports/<int:report_id>/evidence/<int:attachment_id>")
@login_required
def evidence(report_id: int, attachment_id: int):
    report, _campaign = _report_or_404(report_id)
    found = db.session.get(uploads.Attachment, attachment_id)
    item_ids = {i.id for i in report.items}
    if found is None or found.owner_type != "report_item" or found.owner_id not in item_ids:
        abort(404)
    return uploads.send(found)


# --- helpers -----------------------------------------------------------------------------------

def _pledge_page(campaign: Campaign, unit: Unit, status: int = 200, posted=None):
    pledge = services.pledge_of(campaign, unit)
    items = {i.movement_id: i for i in pledge.items} if pledge else {}
    editable = (services.can_edit_for_unit(current_user, unit) and campaign.state == "published"
                and (pledge is None or pledge.state in services.EDITABLE))
    people = []
    if editable or pledge:
        people = db.session.scalars(select(Person).where(
            Person.active.is_(True), Person.unit_id.in_(select(Unit.id).where(
                Unit.path.startswith(unit.path, autoescape=True))))
            .order_by(Person.sort_key).limit(2000)).all()
    registered = {(t.award_code, t.person_id) for t in pledge.titles} if pledge else set()
    reports = {}
    if pledge:
        reports = {r.period_id: r for r in db.session.scalars(select(Report).where(
            Report.unit_id == unit.id, Report.campaign_id == campaign.id))}
    unit_progress = dashboard.unit_progress(campaign, unit) if pledge and \
        pledge.state == "approved" else []
    return render_template(
        "pledges/pledge.html", campaign=campaign, unit=unit, pledge=pledge, items=items,
        unit_progress=unit_progress,
        editable=editable, posted=posted, people=people, registered=registered,
        unit_titles=UNIT_TITLES, person_titles=PERSON_TITLES, reports=reports,
        manage=campaigns.can_manage(current_user, campaign),
        form=VersionedForm(formdata=None, version=pledge.version if pledge else 0),
        return_form=ReturnForm(formdata=None, version=pledge.version if pledge else 0),
        today=local_today()), status


def _pledge_act(campaign, unit, form, operation, success: str):
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _pledge_page(campaign, unit, 400)
    status = attempt(lambda: operation(form))
    if status:
        return _pledge_page(campaign, unit, status)
    flash(success, "success")
    return redirect(url_for("pledges.pledge", campaign_id=campaign.id, unit_id=unit.id))


OVERVIEW_PER_PAGE = 100


def _overview_page(campaign: Campaign, status: int = 200):
    state = request.args.get("state")
    if state not in (None, "none", "draft", "submitted", "approved", "returned"):
        state = None
    return render_template("pledges/overview.html", campaign=campaign,
                           pagination=paginate_rows(services.overview(campaign, state),
                                                    OVERVIEW_PER_PAGE),
                           counts=services.state_counts(campaign), state=state,
                           form=VersionedForm(formdata=None),
                           extension_form=ExtensionForm(formdata=None)), status


def _report_page(campaign, unit, period, status: int = 200, form=None, posted=None):
    pledge = services.pledge_of(campaign, unit)
    report = services.report_of(unit, period)
    if form is None:
        form = ReportForm(formdata=None, obj=report)
        form.version.data = report.version if report else 0
    rows = {r.pledge_item_id: r for r in report.items} if report else {}
    evidence = uploads.attachments_of("report_item", [r.id for r in rows.values()])
    editable = (services.can_edit_for_unit(current_user, unit) and campaign.state == "published"
                and pledge is not None and pledge.state == "approved"
                and (report is None or report.state == "draft"))
    return render_template(
        "pledges/report.html", campaign=campaign, unit=unit, period=period, pledge=pledge,
        report=report, rows=rows, evidence=evidence, editable=editable, form=form,
        posted=posted, evidence_form=EvidenceForm(formdata=None),
        action_form=VersionedForm(formdata=None, version=report.version if report else 0),
        reopen_form=ReopenForm(formdata=None, version=report.version if report else 0),
        manage=campaigns.can_manage(current_user, campaign)), status


def _report_act(report: Report, campaign, form, operation, success: str):
    unit, period = report.unit, report.period
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _report_page(campaign, unit, period, 400)
    status = attempt(lambda: operation(form))
    if status:
        return _report_page(campaign, unit, period, status)
    flash(success, "success")
    return redirect(url_for("pledges.report", campaign_id=campaign.id, unit_id=unit.id,
                            period_id=period.id))


def _campaign_unit_or_404(campaign_id: int, unit_id: int):
    try:
        return services.campaign_unit_for(current_user, campaign_id, unit_id)
    except NotFound:
        abort(404)


def _pledge_or_404(pledge_id: int, organiser: bool = False) -> Pledge:
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None:
        abort(404)
    campaign, _unit = _campaign_unit_or_404(pledge.campaign_id, pledge.unit_id)
    if organiser and not campaigns.can_manage(current_user, campaign):
        abort(403)
    return pledge


def _report_or_404(report_id: int):
    report = db.session.get(Report, report_id)
    if report is None:
        abort(404)
    campaign, _unit = _campaign_unit_or_404(report.campaign_id, report.unit_id)
    return report, campaign


def _managed_campaign_or_404(campaign_id: int) -> Campaign:
    try:
        campaign = campaigns.get_campaign_for(current_user, campaign_id)
    except NotFound:
        abort(404)
    if not campaigns.can_manage(current_user, campaign):
        abort(403)
    return campaign


