"""Scoring pages: the organiser's hub, score sheets, rankings, a unit's breakdown, export."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from emulation.campaigns import services as campaigns
from emulation.campaigns.models import Campaign
from emulation.core.errors import ServiceError
from emulation.core.text import clean
from emulation.core.web import (
    attempt,
    current_locale,
    flash_form_errors,
    form_action,
    int_arg,
    load_or_404,
    local_today,
    paginate,
    save_then_act,
    send_attachment,
)
from emulation.jobs.services import XLSX, stored_file
from emulation.jobs.web import export_response
from emulation.pick import queries as pick
from emulation.pledges import services as pledges
from emulation.scoring import exports, queries, services
from emulation.scoring.enums import SheetState
from emulation.scoring.forms import (
    AdjustmentForm,
    CouncilForm,
    PeerForm,
    ReasonForm,
    SettingsForm,
    VersionForm,
)
from emulation.scoring.models import SHEET_KINDS, ScoreSheet
from emulation.scoring.ranking import distribution

bp = Blueprint("scoring", __name__)
PER_PAGE = 50  # sheets a page of /scoring/
HUB_PAGE = 100  # sheets a page of the campaign's scoring hub
ADJUSTMENTS_SHOWN = 20  # the newest bonuses and penalties on the hub (a unit's page has all)


# --- organiser ----------------------------------------------------------------------------

@bp.route("/campaigns/<int:campaign_id>/scoring")
@login_required
def hub(campaign_id: int):
    return _hub_page(_managed(campaign_id))


@bp.route("/campaigns/<int:campaign_id>/scoring/settings", methods=["POST"])
@login_required
def settings(campaign_id: int):
    campaign = _managed(campaign_id)
    form = SettingsForm()
    _tie_choices(form)
    return form_action(lambda: _save_settings(campaign, form),
                       success=_("Scoring settings saved."), form=form,
                       target=url_for("scoring.hub", campaign_id=campaign.id),
                       on_refusal=lambda status: _hub_page(campaign, status, form))


def _save_settings(campaign: Campaign, form: SettingsForm):
    """The settings as posted (a validated SettingsForm) → the service; the saved settings."""
    fields = {k: getattr(form, k).data for k in (
        "weight_self", "weight_peer", "weight_council", "combine", "missing",
        "flag_leaders", "publish_to_units", *(f"{kind}_opens" for kind in SHEET_KINDS),
        *(f"{kind}_closes" for kind in SHEET_KINDS))}
    fields["decimals"] = form.decimals.data if form.decimals.data is not None else 1
    fields["tie_breaks"] = [form.tie_1.data, form.tie_2.data, form.tie_3.data]
    return services.update_settings(current_user, campaign, form.version.data, fields)


@bp.route("/campaigns/<int:campaign_id>/scoring/peer-assignments", methods=["POST"])
@login_required
def peer_assignments(campaign_id: int):
    campaign = _managed(campaign_id)
    form = PeerForm()
    return _counted_action(campaign, form, lambda: services.generate_peer_assignments(
        current_user, campaign, form.mode.data, form.k.data),
        lambda n: _("%(n)d peer score sheets assigned.", n=n))


@bp.route("/campaigns/<int:campaign_id>/scoring/council-scorers", methods=["POST"])
@login_required
def council_scorers(campaign_id: int):
    campaign = _managed(campaign_id)
    form = CouncilForm()
    form.cluster_id.choices = [(0, "")] + [(c.id, c.name) for c in campaign.clusters]

    def name_scorer():
        user = pick.user_in_reach(current_user, form.username.data)
        if user is None:
            raise ServiceError(_("No account you may name has the user name %(name)s.",
                                 name=form.username.data))
        cluster = next((c for c in campaign.clusters if c.id == form.cluster_id.data), None)
        return services.name_council_scorer(current_user, campaign, user, cluster)

    return _counted_action(campaign, form, name_scorer,
                           lambda n: _("%(n)d council score sheets assigned.", n=n))


@bp.route("/campaigns/<int:campaign_id>/scoring/adjustments", methods=["POST"])
@login_required
def adjustment(campaign_id: int):
    campaign = _managed(campaign_id)
    form = AdjustmentForm()

    def add():
        services.add_adjustment(current_user, campaign,
                                campaigns.participant_by_code(campaign, form.unit_code.data),
                                form.points.data, form.reason.data)

    return form_action(add, success=_("Bonus or penalty recorded."), form=form,
                       target=url_for("scoring.hub", campaign_id=campaign.id),
                       on_refusal=lambda status: _hub_page(campaign, status))


@bp.route("/campaigns/<int:campaign_id>/scoring/freeze", methods=["POST"])
@login_required
def freeze(campaign_id: int):
    """Start the ranking freeze (a job: `services.start_freeze`; the hub shows its progress,
    then the frozen ranking or why it failed). The button belongs to the settings form (the
    ranking is computed with the settings): the settings posted with it are saved first."""
    campaign = _managed(campaign_id)
    if "weight_self" in request.form:
        settings_form = SettingsForm()
        _tie_choices(settings_form)
        saved = []
        return save_then_act(
            lambda: saved.append(_save_settings(campaign, settings_form).version),
            lambda: services.start_freeze(current_user, campaign, saved[0], local_today()),
            form=settings_form,
            success=_("The ranking is being frozen; its progress is shown below."),
            saved_message=_("The settings are saved; the ranking was not frozen."),
            target=url_for("scoring.hub", campaign_id=campaign.id),
            on_refusal=lambda status, was_saved: _hub_page(
                campaign, status, None if was_saved else settings_form))
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    return form_action(lambda: services.start_freeze(current_user, campaign,
                                                     form.version.data, local_today()),
                       success=_("The ranking is being frozen; its progress is shown below."),
                       target=url_for("scoring.hub", campaign_id=campaign.id),
                       on_refusal=lambda status: _hub_page(campaign, status))


@bp.route("/campaigns/<int:campaign_id>/scoring/unfreeze", methods=["POST"])
@login_required
def unfreeze(campaign_id: int):
    campaign = _managed(campaign_id)
    form = ReasonForm()
    return form_action(lambda: services.unfreeze(current_user, campaign, form.version.data,
                                                 form.reason.data),
                       success=_("Ranking reopened."), form=form,
                       target=url_for("scoring.hub", campaign_id=campaign.id),
                       on_refusal=lambda status: _hub_page(campaign, status))


# --- sheets --------------------------------------------------------------------------------

@bp.route("/scoring/")
@login_required
def mine():
    """Sheets waiting for the user: council sheets named to them, peer sheets of the units
    they serve, and the self-sheets they may open — a page at a time, filtered by campaign,
    cluster, state and the scored unit's name or code."""
    q = clean(request.args.get("q", ""))[:100]
    state = request.args.get("state")
    pagination, campaigns, clusters = queries.waiting_page(
        current_user, PER_PAGE, int_arg("campaign"), int_arg("cluster"),
        state if state in SheetState.values() else None, q)
    self_rows = [(c, u) for c, u, p in pledges.unit_campaigns(current_user)
                 if c.state == "published"]
    return render_template("scoring/mine.html", pagination=pagination,
                           sheets=pagination.items, campaigns=dict(campaigns),
                           campaign_choices=campaigns, clusters=clusters, q=q,
                           self_rows=self_rows, form=VersionForm(formdata=None))


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/self-sheet", methods=["POST"])
@login_required
def self_sheet(campaign_id: int, unit_id: int):
    campaign = load_or_404(services.campaign_for, current_user, campaign_id)
    unit = load_or_404(services.officer_unit_for, current_user, unit_id)
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
    """The score sheet and its one form: points and a comment per criterion, and the
    buttons `action=save` (the default) and `action=submit`. Every post saves what is on
    the page first; a submission then submits what was just saved."""
    sheet, campaign = load_or_404(services.sheet_for, current_user, sheet_id)
    if request.method == "GET":
        return _sheet_page(sheet, campaign)
    return _save_sheet_then(sheet, campaign, request.form.get("action") == "submit")


@bp.route("/sheets/<int:sheet_id>/evidence/<int:attachment_id>")
@login_required
def sheet_evidence(sheet_id: int, attachment_id: int):
    """A file of the evidence shown beside the sheet (the scored unit's submitted reports),
    for whoever may read the sheet — a peer or council scorer may not open the unit's
    reports themselves; any other file is a 404."""
    sheet, campaign = load_or_404(services.sheet_for, current_user, sheet_id)
    _reports, rows, _evidence = queries.sheet_evidence(campaign, sheet)
    return send_attachment(attachment_id, "report_item",
                           [row.id for lines in rows.values() for _period, row in lines])


@bp.route("/sheets/<int:sheet_id>/submit", methods=["POST"])
@login_required
def sheet_submit(sheet_id: int):
    """Submit the sheet; the lines posted with it (the page's form) are saved first."""
    sheet, campaign = load_or_404(services.sheet_for, current_user, sheet_id)
    if not services.can_fill(current_user, sheet):
        abort(403)
    return _save_sheet_then(sheet, campaign, True)


@bp.route("/sheets/<int:sheet_id>/reopen", methods=["POST"])
@login_required
def sheet_reopen(sheet_id: int):
    sheet, campaign = load_or_404(services.sheet_for, current_user, sheet_id)
    if not campaigns.can_manage(current_user, campaign):
        abort(403)
    form = ReasonForm()
    return form_action(lambda: services.reopen_sheet(current_user, sheet, form.version.data,
                                                     form.reason.data),
                       success=_("Score sheet reopened."), form=form,
                       target=url_for("scoring.sheet", sheet_id=sheet.id),
                       on_refusal=lambda status: _sheet_page(sheet, campaign, status))


# --- ranking and results ---------------------------------------------------------------------

@bp.route("/campaigns/<int:campaign_id>/ranking")
@login_required
def ranking(campaign_id: int):
    campaign = load_or_404(services.campaign_for, current_user, campaign_id)
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
                           units=queries.units_of(rows), clusters=clusters, chosen=chosen,
                           manage=campaigns.can_manage(current_user, campaign),
                           score_bands=_score_bands)


def _score_bands(rows) -> list:
    """Phổ điểm of one cluster's ranking rows (their final scores)."""
    return distribution(r.final for r in rows)


CLUSTERS_ON_ONE_PAGE = 10
UNITS_ON_ONE_PAGE = 300


@bp.route("/campaigns/<int:campaign_id>/export/scores.xlsx")
@bp.route("/campaigns/<int:campaign_id>/export/scores.csv", endpoint="export_scores_csv")
@login_required
def export_scores(campaign_id: int):
    """Every score line and each cluster's ranking. Before the ranking is frozen: made on
    request (a job when large); once frozen: the workbook built at the freeze, served from
    its kept file — while it is being built the hub shows its progress (a build that failed
    or was lost is started again). The CSV (score lines) is always made on request."""
    campaign = _managed(campaign_id)
    state, job = exports.frozen_scores(campaign)
    if state == "not_frozen" or request.path.endswith(".csv"):
        return export_response("scores", {"campaign_id": campaign.id})
    if state == "ready":
        return send_file(stored_file(job), mimetype=XLSX, as_attachment=True,
                         download_name=job.file_name, max_age=0)
    if state == "missing":
        exports.build_frozen_scores(current_user, campaign)
    flash(_("The scores workbook of the frozen ranking is being built; its progress is shown "
            "below and the download is offered here once it is ready."), "info")
    return redirect(url_for("scoring.hub", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/scores")
@login_required
def unit_scores(campaign_id: int, unit_id: int):
    """A unit's own score breakdown, for its officers (and the organisers)."""
    campaign = load_or_404(services.campaign_for, current_user, campaign_id)
    unit = load_or_404(services.scored_unit_for, current_user, campaign, unit_id)
    settings = services.settings_for(campaign)
    cluster_id = services.cluster_of(campaign.id, unit.id)
    rows, frozen = (services.ranking_view(campaign, cluster_id) if cluster_id is not None
                    else ([], settings.frozen_at is not None))
    mine = next(((cluster, r) for cluster in rows for r in cluster.rows if r.unit == unit.id),
                (None, None))
    averages, counts = queries.unit_breakdown(campaign, unit)
    show_rank = campaigns.can_manage(current_user, campaign) or (
        frozen and settings.publish_to_units)
    return render_template("scoring/unit.html", campaign=campaign, unit=unit,
                           result=mine[1], cluster=mine[0], averages=averages,
                           adjustments=queries.adjustments_of(campaign, unit,
                                                              newest_first=False),
                           show_rank=show_rank, frozen=frozen, kinds=SHEET_KINDS, counts=counts)


# --- helpers ---------------------------------------------------------------------------------

def _managed(campaign_id: int) -> Campaign:
    """A campaign the user organises: 404 if they may not see it, 403 if they may only see it
    (the refusal is a `PermissionDenied` from the service)."""
    campaign = load_or_404(services.campaign_for, current_user, campaign_id)
    campaigns.require_manage(current_user, campaign)
    return campaign


def _counted_action(campaign: Campaign, form, operation, success):
    """A hub action whose success message counts what it made (`success(n)`)."""
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _hub_page(campaign, 400)
    made = []
    status = attempt(lambda: made.append(operation()))
    if status:
        return _hub_page(campaign, status)
    flash(success(made[0]), "success")
    return redirect(url_for("scoring.hub", campaign_id=campaign.id))


def _hub_page(campaign: Campaign, status: int = 200, settings_form=None):
    """The organiser's hub; `settings_form`, a refused post of the settings, fills them with
    what was typed and marks them unsaved (the browser then asks before leaving)."""
    settings = services.open_settings(campaign)
    unsaved = settings_form is not None
    if settings_form is None:
        settings_form = SettingsForm(formdata=None, obj=settings)
        ties = settings.tie_break_list + ["", "", ""]
        settings_form.tie_1.data, settings_form.tie_2.data, settings_form.tie_3.data = ties[:3]
    _tie_choices(settings_form)
    council_form = CouncilForm(formdata=None)
    council_form.cluster_id.choices = [(0, _("Every participating unit"))] + [
        tuple(c) for c in queries.cluster_names(campaign)]
    kind = request.args.get("kind") if request.args.get("kind") in SHEET_KINDS else None
    state = request.args.get("state") if request.args.get("state") in ("draft",
                                                                       "submitted") else None
    adjustments, adjustment_count = queries.recent_adjustments(campaign, ADJUSTMENTS_SHOWN)
    return render_template(
        "scoring/hub.html", campaign=campaign, settings=settings, settings_form=settings_form,
        settings_unsaved=unsaved,
        peer_form=PeerForm(formdata=None), council_form=council_form,
        adjustment_form=AdjustmentForm(formdata=None),
        unfreeze_form=ReasonForm(formdata=None, version=settings.version),
        pagination=paginate(queries.hub_sheets(campaign, kind, state), HUB_PAGE),
        adjustments=adjustments, adjustment_count=adjustment_count, kind=kind, state=state,
        counts=queries.sheet_counts(campaign), unfillable=queries.unfillable(campaign),
        scores_file=exports.frozen_scores(campaign),
        freeze_job=services.freeze_job(campaign)), status


def _tie_choices(form) -> None:
    for field in (form.tie_1, form.tie_2, form.tie_3):
        field.choices = [(v, str(label)) for v, label in field.choices]


def _save_sheet_then(sheet: ScoreSheet, campaign: Campaign, submitting: bool):
    """Save the lines the page posted, then submit the sheet when asked; a refusal (a point
    over the maximum, a criterion left without points at submission) shows the page again
    with every point typed (see `save_then_act`)."""
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    lines = {c.id: (request.form.get(f"c{c.id}-points", ""),
                    request.form.get(f"c{c.id}-comment", "")) for c in campaign.criteria
             if f"c{c.id}-points" in request.form or f"c{c.id}-comment" in request.form}
    versions = []

    def save():
        if submitting and not lines:  # the action posted alone (an older page)
            versions.append(form.version.data)
            return
        saved = services.save_sheet(current_user, sheet, form.version.data, lines,
                                    local_today(), current_locale())
        versions.append(saved.version)

    return save_then_act(
        save, (lambda: services.submit_sheet(current_user, sheet, versions[0], local_today()))
        if submitting else None,
        success=_("Score sheet submitted.") if submitting else _("Score sheet saved."),
        saved_message=_("Your points are saved as a draft; the sheet was not submitted."),
        target=url_for("scoring.sheet", sheet_id=sheet.id),
        on_refusal=lambda status, was_saved: _sheet_page(
            sheet, campaign, status, posted=request.form, unsaved=not was_saved))


def _sheet_page(sheet: ScoreSheet, campaign: Campaign, status: int = 200, posted=None,
                unsaved: bool = False):
    """The score sheet; `posted` (a refused post) fills it with the points typed, `unsaved`
    marks them as not saved (the browser then asks before leaving the page). The running
    total is of the points shown, computed as the ranking computes a sheet's total."""
    settings = services.settings_for(campaign)
    scores = {s.criterion_id: s for s in sheet.scores}
    pledge = pledges.pledge_of(campaign, sheet.unit)
    reports, rows, evidence = queries.sheet_evidence(campaign, sheet)
    editable = (services.can_fill(current_user, sheet) and sheet.state == "draft"
                and settings.frozen_at is None and campaign.state == "published"
                and services.window_open(settings, sheet.scorer_kind, local_today()))
    opens, closes = settings.window(sheet.scorer_kind)
    return render_template(
        "scoring/sheet.html", sheet=sheet, campaign=campaign, scores=scores, pledge=pledge,
        reports=reports, rows=rows, evidence=evidence, editable=editable, posted=posted,
        unsaved=unsaved, total=services.running_total(campaign, sheet, posted, current_locale()),
        opens=opens, closes=closes, form=VersionForm(formdata=None, version=sheet.version),
        reopen_form=ReasonForm(formdata=None, version=sheet.version),
        manage=campaigns.can_manage(current_user, campaign)), status
