"""Campaign pages: list, detail (the hub), and the organiser's editing actions."""
from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from emulation.campaigns import services
from emulation.campaigns.forms import (
    AttachmentForm,
    CampaignCreateForm,
    CampaignForm,
    CloneForm,
    ClusterForm,
    CriterionForm,
    MoveForm,
    MovementForm,
    ParticipantsForm,
    PeriodForm,
)
from emulation.campaigns.models import (
    Campaign,
    CampaignParticipant,
    Cluster,
    ClusterMember,
    Criterion,
    Movement,
    ReportPeriod,
)
from emulation.core import permissions as perms
from emulation.core import uploads
from emulation.core.errors import NotFound, ServiceError
from emulation.core.text import clean
from emulation.core.web import attempt, flash_form_errors, page_arg, year_arg
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.org.services import unit_by_code

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")
ORGANISER = ("organiser",)


@bp.route("/")
@login_required
def index():
    state = request.args.get("state") if request.args.get("state") in (
        "draft", "published", "closed") else None
    year = year_arg()
    stmt = services.campaigns_query(current_user, state, year)
    pagination = db.paginate(stmt, page=page_arg(), per_page=50, error_out=False)
    return render_template("campaigns/index.html", pagination=pagination, state=state,
                           year=year, can_create=perms.can_any(current_user, ORGANISER))


@bp.route("/new", methods=["GET", "POST"])
@perms.roles_required(*ORGANISER)
def create():
    form = CampaignCreateForm()
    status = 200
    if request.method == "GET":
        grant = next((g for g in current_user.grants if g.role == "organiser" and g.unit), None)
        if grant:
            form.issuing_unit_code.data = grant.unit.code
    elif form.validate_on_submit():
        unit = unit_by_code(form.issuing_unit_code.data or "")
        if unit is None:
            flash(_("No unit has the code %(code)s.", code=clean(form.issuing_unit_code.data)),
                  "danger")
            status = 400
        else:
            created = []
            status = attempt(lambda: created.append(services.create_campaign(
                current_user, unit, _fields(form)))) or 200
            if created:
                flash(_("Campaign created as a draft."), "success")
                return redirect(url_for("campaigns.detail", campaign_id=created[0].id))
    else:
        status = 400
    return render_template("campaigns/form.html", form=form, campaign=None), status


@bp.route("/<int:campaign_id>")
@login_required
def detail(campaign_id: int):
    return _detail_page(_campaign_or_404(campaign_id))


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@perms.roles_required(*ORGANISER)
def edit(campaign_id: int):
    campaign = _managed_or_404(campaign_id)
    form = CampaignForm(obj=campaign if request.method == "GET" else None)
    status = 200
    if request.method == "GET":
        form.version.data = campaign.version
    elif form.validate_on_submit():
        status = attempt(lambda: services.update_campaign(
            current_user, campaign, form.version.data, _fields(form))) or 200
        if status == 200:
            flash(_("Changes saved."), "success")
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    else:
        status = 400
    return render_template("campaigns/form.html", form=form, campaign=campaign), status


@bp.route("/<int:campaign_id>/publish", methods=["POST"])
@perms.roles_required(*ORGANISER)
def publish(campaign_id: int):
    campaign = _managed_or_404(campaign_id)
    return _act(campaign, lambda: services.publish(current_user, campaign,
                                                   request.form.get("version")),
                _("Campaign published."))


@bp.route("/<int:campaign_id>/close", methods=["POST"])
@perms.roles_required(*ORGANISER)
def close(campaign_id: int):
    campaign = _managed_or_404(campaign_id)
    return _act(campaign, lambda: services.close(current_user, campaign,
                                                 request.form.get("version")),
                _("Campaign closed."))


@bp.route("/<int:campaign_id>/clone", methods=["POST"])
@perms.roles_required(*ORGANISER)
def clone(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    form = CloneForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _detail_page(campaign, 400)
    created = []
    status = attempt(lambda: created.append(services.clone(current_user, campaign,
                                                           form.year_start.data)))
    if status:
        return _detail_page(campaign, status)
    flash(_("A draft copy has been made, its dates shifted by the difference in years."),
          "success")
    return redirect(url_for("campaigns.detail", campaign_id=created[0].id))


@bp.route("/<int:campaign_id>/periods", methods=["POST"])
@perms.roles_required(*ORGANISER)
def period_add(campaign_id: int):
    campaign = _managed_or_404(campaign_id)
    form = PeriodForm()
    return _form_act(campaign, form, lambda: services.add_period(
        current_user, campaign, kind=form.kind.data, label=form.label.data,
        year=form.year.data, deadline=form.deadline.data), _("Report period added."))


@bp.route("/periods/<int:period_id>/delete", methods=["POST"])
@perms.roles_required(*ORGANISER)
def period_delete(period_id: int):
    period = db.session.get(ReportPeriod, period_id) or abort(404)
    campaign = _managed_or_404(period.campaign_id)
    return _act(campaign, lambda: services.delete_period(current_user, period),
                _("Report period removed."))


@bp.route("/<int:campaign_id>/movements", methods=["POST"])
@perms.roles_required(*ORGANISER)
def movement_add(campaign_id: int):
    campaign = _managed_or_404(campaign_id)
    form = MovementForm()
    return _form_act(campaign, form, lambda: services.add_movement(
        current_user, campaign, form.title.data, form.description.data), _("Movement added."))


@bp.route("/movements/<int:movement_id>/edit", methods=["GET", "POST"])
@perms.roles_required(*ORGANISER)
def movement_edit(movement_id: int):
    movement = db.session.get(Movement, movement_id) or abort(404)
    campaign = _managed_or_404(movement.campaign_id)
    form = MovementForm(obj=movement if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            status = attempt(lambda: services.update_movement(
                current_user, movement, form.title.data, form.description.data)) or 200
            if status == 200:
                flash(_("Changes saved."), "success")
                return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
        else:
            status = 400
    return render_template("campaigns/movement_form.html", form=form, movement=movement,
                           campaign=campaign), status


@bp.route("/movements/<int:movement_id>/delete", methods=["POST"])
@perms.roles_required(*ORGANISER)
def movement_delete(movement_id: int):
    movement = db.session.get(Movement, movement_id) or abort(404)
    campaign = _managed_or_404(movement.campaign_id)
    return _act(campaign, lambda: services.delete_movement(current_user, movement),
                _("Movement deleted; the others were renumbered."))


@bp.route("/movements/<int:movement_id>/move", methods=["POST"])
@perms.roles_required(*ORGANISER)
def movement_move(movement_id: int):
    movement = db.session.get(Movement, movement_id) or abort(404)
    campaign = _managed_or_404(movement.campaign_id)
    form = MoveForm()
    return _form_act(campaign, form, lambda: services.move_movement(
        current_user, movement, -1 if form.direction.data == "up" else 1), _("Order saved."))


@bp.route("/<int:campaign_id>/criteria", methods=["POST"])
@perms.roles_required(*ORGANISER)
def criterion_add(campaign_id: int):
    campaign = _managed_or_404(campaign_id)
    form = CriterionForm()

    def add():
        movement = _movement_by_number(campaign, form.movement_number.data)
        services.add_criterion(current_user, campaign, code=form.code.data,
                               title=form.title.data, max_points=form.max_points.data,
                               weight=form.weight.data, kind=form.kind.data,
                               movement=movement, guidance=form.guidance.data)

    return _form_act(campaign, form, add, _("Criterion added."))


@bp.route("/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@perms.roles_required(*ORGANISER)
def criterion_edit(criterion_id: int):
    criterion = db.session.get(Criterion, criterion_id) or abort(404)
    campaign = _managed_or_404(criterion.campaign_id)
    form = CriterionForm(obj=criterion if request.method == "GET" else None)
    status = 200
    if request.method == "GET":
        form.movement_number.data = criterion.movement.number if criterion.movement else None
    else:
        form.code.data = criterion.code  # the code is the criterion's identity
        if form.validate_on_submit():
            status = attempt(lambda: services.update_criterion(
                current_user, criterion, title=form.title.data,
                max_points=form.max_points.data, weight=form.weight.data, kind=form.kind.data,
                movement=_movement_by_number(campaign, form.movement_number.data),
                guidance=form.guidance.data)) or 200
            if status == 200:
                flash(_("Changes saved."), "success")
                return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
        else:
            status = 400
    return render_template("campaigns/criterion_form.html", form=form, criterion=criterion,
                           campaign=campaign), status


@bp.route("/criteria/<int:criterion_id>/delete", methods=["POST"])
@perms.roles_required(*ORGANISER)
def criterion_delete(criterion_id: int):
    criterion = db.session.get(Criterion, criterion_id) or abort(404)
    campaign = _managed_or_404(criterion.campaign_id)
    return _act(campaign, lambda: services.delete_criterion(current_user, criterion),
                _("Criterion deleted."))


@bp.route("/<int:campaign_id>/participants", methods=["POST"])
@perms.roles_required(*ORGANISER)
def participants(campaign_id: int):
    campaign = _managed_or_404(campaign_id)
    form = ParticipantsForm()
    return _form_act(campaign, form, lambda: services.set_participants(
        current_user, campaign, form.mode.data,
        _unit_ids(form.unit_codes.data) if form.mode.data == "list" else None),
        _("Participants saved."))


@bp.route("/<int:campaign_id>/clusters/new", methods=["GET", "POST"])
@bp.route("/clusters/<int:cluster_id>/edit", methods=["GET", "POST"])
@perms.roles_required(*ORGANISER)
def cluster_form(campaign_id: int | None = None, cluster_id: int | None = None):
    cluster = None
    if cluster_id is not None:
        cluster = db.session.get(Cluster, cluster_id) or abort(404)
        campaign_id = cluster.campaign_id
    campaign = _managed_or_404(campaign_id)
    form = ClusterForm(obj=cluster if request.method == "GET" else None)
    status = 200
    if request.method == "GET" and cluster is not None:
        form.member_codes.data = "\n".join(m.unit.code for m in cluster.members)
        form.leader_code.data = cluster.leader.code if cluster.leader else ""
        form.deputy_code.data = cluster.deputy.code if cluster.deputy else ""
    elif request.method == "POST":
        if form.validate_on_submit():
            status = attempt(lambda: services.save_cluster(
                current_user, campaign, cluster=cluster, name=form.name.data,
                kind=form.kind.data, member_ids=_unit_ids(form.member_codes.data),
                leader_id=_one_unit_id(form.leader_code.data),
                deputy_id=_one_unit_id(form.deputy_code.data),
                compact_text=form.compact_text.data,
                compact_signed_on=form.compact_signed_on.data)) or 200
            if status == 200:
                flash(_("Cluster saved."), "success")
                return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
        else:
            status = 400
    return render_template("campaigns/cluster_form.html", form=form, cluster=cluster,
                           campaign=campaign), status


@bp.route("/clusters/<int:cluster_id>/delete", methods=["POST"])
@perms.roles_required(*ORGANISER)
def cluster_delete(cluster_id: int):
    cluster = db.session.get(Cluster, cluster_id) or abort(404)
    campaign = _managed_or_404(cluster.campaign_id)
    return _act(campaign, lambda: services.delete_cluster(current_user, cluster),
                _("Cluster deleted."))


@bp.route("/<int:campaign_id>/attachments", methods=["POST"])
@perms.roles_required(*ORGANISER)
def attachment_add(campaign_id: int):
    campaign = _managed_or_404(campaign_id)
    form = AttachmentForm()

    def add():
        services.require_editable(campaign)
        attachment = uploads.store(form.file.data, owner_type="campaign",
                                   owner_id=campaign.id, actor=current_user)
        from emulation.core import audit
        audit.record(db.session, actor=current_user, action="campaign.attach", obj=campaign,
                     summary=f"attached {attachment.original_name}",
                     after={"file": attachment.original_name, "sha256": attachment.sha256})
        db.session.commit()

    return _form_act(campaign, form, add, _("File attached."))


@bp.route("/<int:campaign_id>/attachments/<int:attachment_id>")
@login_required
def attachment(campaign_id: int, attachment_id: int):
    campaign = _campaign_or_404(campaign_id)
    found = db.session.get(uploads.Attachment, attachment_id)
    if found is None or found.owner_type != "campaign" or found.owner_id != campaign.id:
        abort(404)
    return uploads.send(found)


# --- helpers -------------------------------------------------------------------------------

PARTICIPANTS_SHOWN = 200  # a union-wide campaign has thousands: the rest are in the overview


def _detail_page(campaign: Campaign, status: int = 200):
    manage = services.can_manage(current_user, campaign)
    taking_part = (select(Unit).join(CampaignParticipant, CampaignParticipant.unit_id == Unit.id)
                   .where(CampaignParticipant.campaign_id == campaign.id).order_by(Unit.path))
    participants = db.session.scalars(taking_part.limit(PARTICIPANTS_SHOWN)).all()
    participant_count = db.session.scalar(select(func.count()).select_from(
        CampaignParticipant).where(CampaignParticipant.campaign_id == campaign.id))
    my_units = db.session.scalars(taking_part.where(Unit.id.in_(
        perms.covered_unit_ids(current_user, ("unit_officer",)))).limit(5)).all()
    clusters = db.session.scalars(select(Cluster).where(Cluster.campaign_id == campaign.id)
                                  .options(joinedload(Cluster.leader),
                                           joinedload(Cluster.deputy))
                                  .order_by(Cluster.id)).unique().all()
    member_names: dict[int, list[str]] = {}
    for cluster_id, name in db.session.execute(  # names only: no ORM object per member
            select(ClusterMember.cluster_id, Unit.name)
            .join(Unit, Unit.id == ClusterMember.unit_id)
            .where(ClusterMember.campaign_id == campaign.id).order_by(Unit.path)):
        member_names.setdefault(cluster_id, []).append(name)
    return render_template(
        "campaigns/detail.html", campaign=campaign, manage=manage,
        participants=participants, participant_count=participant_count,
        clusters=clusters, member_names=member_names, my_units=my_units,
        can_see_ranking=_can_see_ranking(campaign),
        problems=services.publication_problems(campaign) if campaign.state == "draft" else [],
        attachments=uploads.attachments_of("campaign", [campaign.id])[campaign.id],
        period_form=PeriodForm(formdata=None, year=campaign.year_start),
        movement_form=MovementForm(formdata=None), criterion_form=CriterionForm(formdata=None),
        participants_form=ParticipantsForm(formdata=None, mode=campaign.participation_mode),
        clone_form=CloneForm(formdata=None, year_start=campaign.year_end + 1),
        attachment_form=AttachmentForm(formdata=None), move_form=MoveForm(formdata=None),
        can_clone=perms.can_any(current_user, ORGANISER)), status


def _can_see_ranking(campaign: Campaign) -> bool:
    from emulation.scoring.services import can_see_ranking

    return campaign.state != "draft" and can_see_ranking(current_user, campaign)


def _act(campaign: Campaign, operation, success: str):
    status = attempt(operation)
    if status:
        return _detail_page(campaign, status)
    flash(success, "success")
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id))


def _form_act(campaign: Campaign, form, operation, success: str):
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _detail_page(campaign, 400)
    return _act(campaign, operation, success)


def _campaign_or_404(campaign_id: int) -> Campaign:
    try:
        return services.get_campaign_for(current_user, campaign_id)
    except NotFound:
        abort(404)


def _managed_or_404(campaign_id: int) -> Campaign:
    campaign = _campaign_or_404(campaign_id)
    if not services.can_manage(current_user, campaign):
        abort(403)
    return campaign


def _movement_by_number(campaign: Campaign, number: int | None):
    if not number:
        return None
    movement = next((m for m in campaign.movements if m.number == number), None)
    if movement is None:
        raise ServiceError(_("There is no movement %(n)d.", n=number))
    return movement


def _fields(form) -> dict:
    return {k: getattr(form, k).data for k in services.CAMPAIGN_FIELDS}


def _unit_ids(text: str | None) -> list[int]:
    codes = [c for c in re.split(r"[\s,;]+", clean(text or "")) if c]
    if not codes:
        return []
    found = dict(db.session.execute(select(Unit.code, Unit.id).where(Unit.code.in_(codes))).all())
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ServiceError(_("Unknown unit codes: %(codes)s.", codes=", ".join(unknown[:20])))
    return [found[c] for c in codes]


def _one_unit_id(code: str | None) -> int | None:
    ids = _unit_ids(code)
    return ids[0] if ids else None
