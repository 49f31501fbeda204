"""Scoring pages: the organiser's hub, score sheets, rankings, a unit's breakdown, export."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from emulation.auth.models import User
from emulation.campaigns import services as campaigns
from emulation.campaigns.models import Campaign
from emulation.core import permissions as perms
from emulation.core import uploads
from emulation.core.errors import NotFound
from emulation.core.web import (
    attempt,
    current_locale,
    flash_form_errors,
    int_arg,
    local_today,
    page_arg,
    xlsx_response,
)
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.org.services import unit_by_code
from emulation.pledges import services as pledges
from emulation.pledges.models import Report
from emulation.scoring import exports, services
from emulation.scoring.forms import (
    AdjustmentForm,
    CouncilForm,
    PeerForm,
    ReasonForm,
    SettingsForm,
    VersionForm,
)
from emulation.scoring.models import SHEET_KINDS, ScoreAdjustment, ScoreSheet

bp = Blueprint("scoring", __name__)


# --- organiser ----------------------------------------------------------------------------

@bp.route("/campaigns/<int:campaign_id>/scoring")
@login_required
def hub(campaign_id: int):
    return _hub_page(_managed_or_404(campaign_id))


@bp.route("/campaigns/<int:campaign_id>/scoring/settings", methods=["POST"])
@login_required
def settings(campaign_id: int):
    campaign = _managed_or_404(campaign_id)
    form = SettingsForm()
    _tie_choices(form)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _hub_page(campaign, 400, form)
    fields = {k: getattr(form, k).data for k in (
        "weight_self", "weight_peer", "weight_council", "combine", "missing", "flag_leaders",
        "publish_to_units", *(f"{kind}_opens" for kind in SHEET_KINDS),
        *(f"{kind}_closes" for kind in SHEET_KINDS))}
    fields["decimals"] = form.decimals.data if form.decimals.data is not None else 1
    fields["tie_breaks"] = [form.tie_1.data, form.tie_2.data, form.tie_3.data]
    return _act(campaign, lambda: services.update_settings(current_user, campaign,
                                                           form.version.data, fields),
                _("Scoring settings saved."), form)


@bp.route("/campaigns/<int:campaign_id>/scoring/peer-assignments", methods=["POST"])
@login_required
def peer_assignments(campaign_id: int):
    campaign = _managed_or_404(campaign_id)
    form = PeerForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _hub_page(campaign, 400)
    made = []
    status = attempt(lambda: made.append(services.generate_peer_assignments(
        current_user, campaign, form.mode.data, form.k.data)))
    if status:
        return _hub_page(campaign, status)
    flash(_("%(n)d peer score sheets assigned.", n=made[0]), "success")
    return redirect(url_for("scoring.hub", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/scoring/council-scorers", methods=["POST"])
@login_required
def council_scorers(campaign_id: int):
    campaign = _managed_or_404(campaign_id)
    form = CouncilForm()
    form.cluster_id.choices = [(0, "")] + [(c.id, c.name) for c in campaign.clusters]
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _hub_page(campaign, 400)
    user = db.session.scalar(select(User).where(User.username == form.username.data.lower()))
    if user is None:
        flash(_("No such user."), "danger")
        return _hub_page(campaign, 400)
    cluster = next((c for c in campaign.clusters if c.id == form.cluster_id.data), None)
    made = []
    status = attempt(lambda: made.append(services.name_council_scorer(current_user, campaign,
                                                                      user, cluster)))
    if status:
        return _hub_page(campaign, status)
    flash(_("%(n)d council score sheets assigned.", n=made[0]), "success")
    return redirect(url_for("scoring.hub", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/scoring/adjustments", methods=["POST"])
@login_required
def adjustment(campaign_id: int):
    campaign = _managed_or_404(campaign_id)
    form = AdjustmentForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _hub_page(campaign, 400)
    unit = unit_by_code(form.unit_code.data)
    if unit is None:
        flash(_("No unit has the code %(code)s.", code=form.unit_code.data), "danger")
        return _hub_page(campaign, 400)
    return _act(campaign, lambda: services.add_adjustment(current_user, campaign, unit,
                                                          form.points.data, form.reason.data),
                _("Bonus or penalty recorded."))


@bp.route("/campaigns/<int:campaign_id>/scoring/freeze", methods=["POST"])
@login_required
def freeze(campaign_id: int):
    campaign = _managed_or_404(campaign_id)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(campaign, lambda: services.freeze(current_user, campaign, form.version.data,
                                                  local_today()), _("Ranking frozen."))


@bp.route("/campaigns/<int:campaign_id>/scoring/unfreeze", methods=["POST"])
@login_required
def unfreeze(campaign_id: int):
    campaign = _managed_or_404(campaign_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _hub_page(campaign, 400)
    return _act(campaign, lambda: services.unfreeze(current_user, campaign, form.version.data,
                                                    form.reason.data), _("Ranking reopened."))


# --- sheets --------------------------------------------------------------------------------

@bp.route("/scoring/")
@login_required
def mine():
    """Sheets waiting for the user: council sheets named to them, peer sheets of the units
    they serve, and the self-sheets they may open."""
    units = select(Unit.id).where(perms.unit_condition(current_user, services.FILLERS))
    sheets = db.session.scalars(
        select(ScoreSheet).join(Campaign, Campaign.id == ScoreSheet.campaign_id)
        .where(Campaign.state == "published",
               (ScoreSheet.scorer_user_id == current_user.id)
               | ((ScoreSheet.scorer_kind != "council") & ScoreSheet.scorer_unit_id.in_(units)))
        .options(selectinload(ScoreSheet.scorer_unit))
        .order_by(ScoreSheet.campaign_id, ScoreSheet.scorer_kind, ScoreSheet.id)).all()
    sheets = [s for s in sheets if services.can_fill(current_user, s)]
    campaigns_by_id = {c.id: c for c in db.session.scalars(select(Campaign).where(
        Campaign.id.in_({s.campaign_id for s in sheets})))}
    self_rows = [(c, u) for c, u, p in pledges.unit_campaigns(current_user)
                 if c.state == "published"]
    return render_template("scoring/mine.html", sheets=sheets, campaigns=campaigns_by_id,
                           self_rows=self_rows, form=VersionForm(formdata=None))


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/self-sheet", methods=["POST"])
@login_required
def self_sheet(campaign_id: int, unit_id: int):
    campaign = _campaign_or_404(campaign_id)
    unit = db.session.get(Unit, unit_id)
    if unit is None or not perms.covers(current_user, unit, ("unit_officer",)):
        abort(404)
    if not VersionForm().validate_on_submit():
        abort(400)
    opened = []
    status = attempt(lambda: opened.append(services.open_self_sheet(current_user, campaign, unit,
                                                                    local_today())))
    if status:
        return redirect(url_for("scoring.mine")), 303
    return redirect(url_for("scoring.sheet", sheet_id=opened[0].id))


@bp.route("/sheets/<int:sheet_id>", methods=["GET", "POST"])
@login_required
def sheet(sheet_id: int):
    sheet, campaign = _sheet_or_404(sheet_id)
    if request.method == "POST":
        form = VersionForm()
        if not form.validate_on_submit():
            abort(400)
        lines = {c.id: (request.form.get(f"c{c.id}-points", ""),
                        request.form.get(f"c{c.id}-comment", "")) for c in campaign.criteria}
        status = attempt(lambda: services.save_sheet(current_user, sheet, form.version.data,
                                                     lines, local_today(), current_locale()))
        if status:
            return _sheet_page(sheet, campaign, status, posted=request.form)
        flash(_("Score sheet saved."), "success")
        return redirect(url_for("scoring.sheet", sheet_id=sheet.id))
    return _sheet_page(sheet, campaign)


@bp.route("/sheets/<int:sheet_id>/submit", methods=["POST"])
@login_required
def sheet_submit(sheet_id: int):
    sheet, campaign = _sheet_or_404(sheet_id)
    if not services.can_fill(current_user, sheet):
        abort(403)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    status = attempt(lambda: services.submit_sheet(current_user, sheet, form.version.data,
                                                   local_today()))
    if status:
        return _sheet_page(sheet, campaign, status)
    flash(_("Score sheet submitted."), "success")
    return redirect(url_for("scoring.sheet", sheet_id=sheet.id))


@bp.route("/sheets/<int:sheet_id>/reopen", methods=["POST"])
@login_required
def sheet_reopen(sheet_id: int):
    sheet, campaign = _sheet_or_404(sheet_id)
    if not campaigns.can_manage(current_user, campaign):
        abort(403)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _sheet_page(sheet, campaign, 400)
    status = attempt(lambda: services.reopen_sheet(current_user, sheet, form.version.data,
                                                   form.reason.data))
    if status:
        return _sheet_page(sheet, campaign, status)
    flash(_("Score sheet reopened."), "success")
    return redirect(url_for("scoring.sheet", sheet_id=sheet.id))


# --- ranking and results ---------------------------------------------------------------------

@bp.route("/campaigns/<int:campaign_id>/ranking")
@login_required
def ranking(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    if not services.can_see_ranking(current_user, campaign):
        abort(403)
    clusters = {c.id: c for c in campaign.clusters}
    chosen = None
    # a union-wide campaign, with many clusters or many units: one cluster at a time
    if len(clusters) > CLUSTERS_ON_ONE_PAGE or (
            len(clusters) > 1 and campaigns.cluster_member_count(campaign) > UNITS_ON_ONE_PAGE):
        asked = int_arg("cluster")
        chosen = asked if asked in clusters else next(iter(clusters))
    rows, frozen = services.ranking_view(campaign, chosen)
    return render_template("scoring/ranking.html", campaign=campaign, rankings=rows,
                           frozen=frozen, settings=services.settings_for(campaign),
                           units=_units_of(rows), clusters=clusters, chosen=chosen,
                           manage=campaigns.can_manage(current_user, campaign))


CLUSTERS_ON_ONE_PAGE = 10
UNITS_ON_ONE_PAGE = 300


@bp.route("/campaigns/<int:campaign_id>/export/scores.xlsx")
@login_required
def export_scores(campaign_id: int):
    campaign = _managed_or_404(campaign_id)
    return xlsx_response(exports.scores_workbook(campaign), f"diem-thi-dua-{campaign.id}.xlsx")


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/scores")
@login_required
def unit_scores(campaign_id: int, unit_id: int):
    """A unit's own score breakdown, for its officers (and the organisers)."""
    campaign = _campaign_or_404(campaign_id)
    unit = db.session.get(Unit, unit_id)
    if unit is None or not (perms.covers(current_user, unit, ("unit_officer",))
                            or campaigns.can_manage(current_user, campaign)):
        abort(404)
    settings = services.settings_for(campaign)
    cluster_id = services.cluster_of(campaign.id, unit.id)
    rows, frozen = (services.ranking_view(campaign, cluster_id) if cluster_id is not None
                    else ([], settings.frozen_at is not None))
    mine = next(((cluster, r) for cluster in rows for r in cluster.rows if r.unit == unit.id),
                (None, None))
    sheets = db.session.scalars(select(ScoreSheet).where(
        ScoreSheet.campaign_id == campaign.id, ScoreSheet.unit_id == unit.id,
        ScoreSheet.state == "submitted").options(selectinload(ScoreSheet.scores))).all()
    averages = {}
    for criterion in campaign.criteria:
        for kind in SHEET_KINDS:
            values = [s.points for sh in sheets if sh.scorer_kind == kind for s in sh.scores
                      if s.criterion_id == criterion.id]
            if values:
                averages[(criterion.id, kind)] = sum(values) / len(values)
    adjustments = db.session.scalars(select(ScoreAdjustment).where(
        ScoreAdjustment.campaign_id == campaign.id, ScoreAdjustment.unit_id == unit.id)
        .order_by(ScoreAdjustment.id)).all()
    show_rank = campaigns.can_manage(current_user, campaign) or (
        frozen and settings.publish_to_units)
    return render_template("scoring/unit.html", campaign=campaign, unit=unit,
                           result=mine[1], cluster=mine[0], averages=averages,
                           adjustments=adjustments, show_rank=show_rank, frozen=frozen,
                           kinds=SHEET_KINDS, counts={k: sum(1 for s in sheets if
                                                             s.scorer_kind == k)
                                                      for k in SHEET_KINDS})


# --- helpers ---------------------------------------------------------------------------------

def _hub_page(campaign: Campaign, status: int = 200, settings_form=None):
    settings = services.settings_for(campaign)
    db.session.commit()  # settings are created on first visit
    if settings_form is None:
        settings_form = SettingsForm(formdata=None, obj=settings)
        ties = settings.tie_break_list + ["", "", ""]
        settings_form.tie_1.data, settings_form.tie_2.data, settings_form.tie_3.data = ties[:3]
    _tie_choices(settings_form)
    council_form = CouncilForm(formdata=None)
    council_form.cluster_id.choices = [(0, _("Every participating unit"))] + [
        (c.id, c.name) for c in campaign.clusters]
    kind = request.args.get("kind") if request.args.get("kind") in SHEET_KINDS else None
    state = request.args.get("state") if request.args.get("state") in ("draft",
                                                                       "submitted") else None
    stmt = (select(ScoreSheet).where(ScoreSheet.campaign_id == campaign.id)
            .options(selectinload(ScoreSheet.scorer_unit), selectinload(ScoreSheet.scorer_user))
            .order_by(ScoreSheet.scorer_kind, ScoreSheet.unit_id, ScoreSheet.id))
    if kind:
        stmt = stmt.where(ScoreSheet.scorer_kind == kind)
    if state:
        stmt = stmt.where(ScoreSheet.state == state)
    pagination = db.paginate(stmt, page=page_arg(), per_page=100, error_out=False)
    adjustments = db.session.scalars(select(ScoreAdjustment).where(
        ScoreAdjustment.campaign_id == campaign.id).order_by(ScoreAdjustment.id.desc())).all()
    return render_template(
        "scoring/hub.html", campaign=campaign, settings=settings, settings_form=settings_form,
        peer_form=PeerForm(formdata=None), council_form=council_form,
        adjustment_form=AdjustmentForm(formdata=None),
        freeze_form=VersionForm(formdata=None, version=settings.version),
        unfreeze_form=ReasonForm(formdata=None, version=settings.version),
        pagination=pagination, adjustments=adjustments, kind=kind, state=state,
        counts=_sheet_counts(campaign)), status


def _sheet_counts(campaign: Campaign) -> dict:
    from sqlalchemy import func

    rows = db.session.execute(select(ScoreSheet.scorer_kind, ScoreSheet.state,
                                     func.count(ScoreSheet.id))
                              .where(ScoreSheet.campaign_id == campaign.id)
                              .group_by(ScoreSheet.scorer_kind, ScoreSheet.state))
    return {(k, s): n for k, s, n in rows}


def _tie_choices(form) -> None:
    for field in (form.tie_1, form.tie_2, form.tie_3):
        field.choices = [(v, str(label)) for v, label in field.choices]


def _act(campaign: Campaign, operation, success: str, settings_form=None):
    status = attempt(operation)
    if status:
        return _hub_page(campaign, status, settings_form)
    flash(success, "success")
    return redirect(url_for("scoring.hub", campaign_id=campaign.id))


def _sheet_page(sheet: ScoreSheet, campaign: Campaign, status: int = 200, posted=None):
    settings = services.settings_for(campaign)
    scores = {s.criterion_id: s for s in sheet.scores}
    pledge = pledges.pledge_of(campaign, sheet.unit)
    reports = db.session.scalars(select(Report).where(
        Report.campaign_id == campaign.id, Report.unit_id == sheet.unit_id,
        Report.state == "submitted")).all()
    rows = {}
    for report in reports:
        for row in report.items:
            rows.setdefault(row.pledge_item_id, []).append((report.period, row))
    evidence = uploads.attachments_of("report_item", [r.id for rs in rows.values()
                                                      for _p, r in rs])
    editable = (services.can_fill(current_user, sheet) and sheet.state == "draft"
                and settings.frozen_at is None and campaign.state == "published"
                and services.window_open(settings, sheet.scorer_kind, local_today()))
    opens, closes = settings.window(sheet.scorer_kind)
    return render_template(
        "scoring/sheet.html", sheet=sheet, campaign=campaign, scores=scores, pledge=pledge,
        reports=reports, rows=rows, evidence=evidence, editable=editable, posted=posted,
        opens=opens, closes=closes, form=VersionForm(formdata=None, version=sheet.version),
        reopen_form=ReasonForm(formdata=None, version=sheet.version),
        manage=campaigns.can_manage(current_user, campaign)), status


def _sheet_or_404(sheet_id: int):
    sheet = db.session.get(ScoreSheet, sheet_id)
    if sheet is None:
        abort(404)
    campaign = _campaign_or_404(sheet.campaign_id)
    if not services.can_read_sheet(current_user, sheet, campaign):
        abort(404)
    return sheet, campaign


def _campaign_or_404(campaign_id: int) -> Campaign:
    try:
        return campaigns.get_campaign_for(current_user, campaign_id)
    except NotFound:
        campaign = db.session.get(Campaign, campaign_id)
        # Council scorers see the campaigns they score even without a grant on its units.
        if campaign is not None and campaign.state != "draft" and db.session.scalar(
                select(ScoreSheet.id).where(ScoreSheet.campaign_id == campaign_id,
                                            ScoreSheet.scorer_user_id == current_user.id)
                .limit(1)):
            return campaign
        abort(404)


def _managed_or_404(campaign_id: int) -> Campaign:
    campaign = _campaign_or_404(campaign_id)
    if not campaigns.can_manage(current_user, campaign):
        abort(403)
    return campaign


def _units_of(rankings) -> dict[int, Unit]:
    ids = {r.unit for cluster in rankings for r in cluster.rows}
    return {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
