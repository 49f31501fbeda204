"""Campaign pages: list, detail (the hub), and the organiser's editing actions."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from emulation.campaigns import dashboard, queries, services
from emulation.campaigns.enums import CampaignState
from emulation.campaigns.forms import (
    ActionForm,
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
from emulation.campaigns.models import Campaign
from emulation.core import permissions as perms
from emulation.core import uploads
from emulation.core.forms import AttachmentForm
from emulation.core.web import (
    attempt,
    flash_form_errors,
    form_action,
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
from emulation.org.services import managed_unit_by_code

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")
ORGANISER = ("organiser",)


@bp.route("/")
@login_required
def index():
    state = request.args.get("state")
    state = state if state in CampaignState.values() else None
    year = year_arg()
    return render_template("campaigns/index.html",
                           pagination=queries.campaign_list(current_user, state, year,
                                                            page_arg()),
                           state=state, year=year,
                           can_create=perms.can_any(current_user, ORGANISER))


@bp.route("/export.xlsx")
@login_required
def export():
    """The list as a spreadsheet, with the page's filters (a large one is a job)."""
    state = request.args.get("state")
    return export_response("campaigns", {
        "state": state if state in CampaignState.values() else None, "year": year_arg()})


@bp.route("/new", methods=["GET", "POST"])
@perms.roles_required(*ORGANISER)
def create():
    form = CampaignCreateForm()
    _parent_choices(form)
    status = 200
    if request.method == "GET":
        grant = next((g for g in current_user.grants if g.role == "organiser" and g.unit), None)
        if grant:
            form.issuing_unit_code.data = grant.unit.code
    elif form.validate_on_submit():
        created = []
        # an unknown code and a unit the user does not organise get the same answer
        status = attempt(lambda: created.append(services.create_campaign(
            current_user, managed_unit_by_code(current_user, form.issuing_unit_code.data or "",
                                               ORGANISER), _fields(form)))) or 200
        if created:
            flash(_("Campaign created as a draft."), "success")
            return redirect(url_for("campaigns.detail", campaign_id=created[0].id))
    else:
        flash_form_errors(form)
        status = 400
    return render_template("campaigns/form.html", form=form, campaign=None), status


@bp.route("/<int:campaign_id>")
@login_required
def detail(campaign_id: int):
    return _detail_page(load_or_404(services.get_campaign_for, current_user, campaign_id))


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@perms.roles_required(*ORGANISER)
def edit(campaign_id: int):
    campaign = load_or_404(services.get_campaign_for, current_user, campaign_id)
    services.require_manage(current_user, campaign)
    if request.method == "GET":
        form = CampaignForm(obj=campaign)
        form.version.data = campaign.version
        form.parent_campaign_id.data = campaign.parent_campaign_id or 0
        _parent_choices(form, campaign)
        return _edit_page(form, campaign)
    form = CampaignForm()
    _parent_choices(form, campaign)
    return form_action(lambda: services.update_campaign(current_user, campaign,
                                                        form.version.data, _fields(form)),
                       form=form, success=_("Changes saved."), target=_hub(campaign),
                       on_refusal=lambda status: _edit_page(form, campaign, status))


@bp.route("/<int:campaign_id>/publish", methods=["POST"])
@perms.roles_required(*ORGANISER)
def publish(campaign_id: int):
    """Publish; the participants posted with it (the Publish button belongs to the
    participants' form) are saved first, so what is on the page is what is published."""
    campaign = load_or_404(services.get_campaign_for, current_user, campaign_id)
    services.require_manage(current_user, campaign)
    if "mode" not in request.form:  # the action posted alone
        return _on_hub(campaign, lambda: services.publish(current_user, campaign,
                                                          request.form.get("version")),
                       _("Campaign published."))
    form = ParticipantsForm()

    def save():
        # the form shows the mode, not the list: an empty list in list mode keeps the list
        if form.mode.data != campaign.participation_mode or (
                form.mode.data == "list" and (form.unit_codes.data or "").strip()):
            _save_participants(campaign, form)

    return save_then_act(
        save,
        lambda: services.publish(current_user, campaign, campaign.version), form=form,
        success=_("Campaign published."), target=_hub(campaign),
        saved_message=_("The participants are saved; the campaign was not published."),
        on_refusal=lambda status, saved: _detail_page(campaign, status,
                                                      None if saved else form))


@bp.route("/<int:campaign_id>/close", methods=["POST"])
@perms.roles_required(*ORGANISER)
def close(campaign_id: int):
    campaign = load_or_404(services.get_campaign_for, current_user, campaign_id)
    services.require_manage(current_user, campaign)
    return _on_hub(campaign, lambda: services.close(current_user, campaign,
                                                    request.form.get("version")),
                   _("Campaign closed."))


@bp.route("/<int:campaign_id>/clone", methods=["POST"])
@perms.roles_required(*ORGANISER)
def clone(campaign_id: int):
    campaign = load_or_404(services.get_campaign_for, current_user, campaign_id)
    form = CloneForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _detail_page(campaign, 400, form)
    created = []
    status = attempt(lambda: created.append(services.clone(current_user, campaign,
                                                           form.year_start.data)))
    if status:
        return _detail_page(campaign, status, form)
    flash(_("A draft copy has been made, its dates shifted by the difference in years."),
          "success")
    return redirect(_hub(created[0]))


@bp.route("/<int:campaign_id>/periods", methods=["POST"])
@perms.roles_required(*ORGANISER)
def period_add(campaign_id: int):
    campaign = load_or_404(services.get_campaign_for, current_user, campaign_id)
    services.require_manage(current_user, campaign)
    form = PeriodForm()
    return _on_hub(campaign, lambda: services.add_period(
        current_user, campaign, kind=form.kind.data, label=form.label.data,
        year=form.year.data, deadline=form.deadline.data,
        unit_ids=queries.unit_ids(form.unit_codes.data, campaign.issuing_unit)),
        _("Report period added."), form)


@bp.route("/periods/<int:period_id>/delete", methods=["POST"])
@perms.roles_required(*ORGANISER)
def period_delete(period_id: int):
    period = load_or_404(services.period_for, current_user, period_id)
    services.require_manage(current_user, period.campaign)
    return _on_hub(period.campaign, lambda: services.delete_period(current_user, period),
                   _("Report period removed."))


@bp.route("/<int:campaign_id>/movements", methods=["POST"])
@perms.roles_required(*ORGANISER)
def movement_add(campaign_id: int):
    campaign = load_or_404(services.get_campaign_for, current_user, campaign_id)
    services.require_manage(current_user, campaign)
    form = MovementForm()
    return _on_hub(campaign, lambda: services.add_movement(
        current_user, campaign, form.title.data, form.description.data), _("Movement added."),
        form)


@bp.route("/movements/<int:movement_id>/edit", methods=["GET", "POST"])
@perms.roles_required(*ORGANISER)
def movement_edit(movement_id: int):
    movement = load_or_404(services.movement_for, current_user, movement_id)
    services.require_manage(current_user, movement.campaign)
    campaign = movement.campaign

    def page(status: int = 200):
        return render_template("campaigns/movement_form.html", form=form, movement=movement,
                               campaign=campaign), status

    if request.method == "GET":
        form = MovementForm(obj=movement)
        return page()
    form = MovementForm()
    return form_action(lambda: services.update_movement(
        current_user, movement, form.title.data, form.description.data), form=form,
        success=_("Changes saved."), target=_hub(campaign), on_refusal=page)


@bp.route("/movements/<int:movement_id>/delete", methods=["POST"])
@perms.roles_required(*ORGANISER)
def movement_delete(movement_id: int):
    movement = load_or_404(services.movement_for, current_user, movement_id)
    services.require_manage(current_user, movement.campaign)
    return _on_hub(movement.campaign, lambda: services.delete_movement(current_user, movement),
                   _("Movement deleted; the others were renumbered."))


@bp.route("/movements/<int:movement_id>/move", methods=["POST"])
@perms.roles_required(*ORGANISER)
def movement_move(movement_id: int):
    movement = load_or_404(services.movement_for, current_user, movement_id)
    services.require_manage(current_user, movement.campaign)
    form = MoveForm()
    return _on_hub(movement.campaign, lambda: services.move_movement(
        current_user, movement, -1 if form.direction.data == "up" else 1), _("Order saved."),
        form)


@bp.route("/<int:campaign_id>/criteria", methods=["POST"])
@perms.roles_required(*ORGANISER)
def criterion_add(campaign_id: int):
    campaign = load_or_404(services.get_campaign_for, current_user, campaign_id)
    services.require_manage(current_user, campaign)
    form = CriterionForm()
    return _on_hub(campaign, lambda: services.add_criterion(
        current_user, campaign, code=form.code.data, title=form.title.data,
        max_points=form.max_points.data, weight=form.weight.data, kind=form.kind.data,
        movement=services.movement_by_number(campaign, form.movement_number.data),
        guidance=form.guidance.data), _("Criterion added."), form)


@bp.route("/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@perms.roles_required(*ORGANISER)
def criterion_edit(criterion_id: int):
    criterion = load_or_404(services.criterion_for, current_user, criterion_id)
    services.require_manage(current_user, criterion.campaign)
    campaign = criterion.campaign

    def page(status: int = 200):
        return render_template("campaigns/criterion_form.html", form=form, criterion=criterion,
                               campaign=campaign), status

    if request.method == "GET":
        form = CriterionForm(obj=criterion)
        form.movement_number.data = criterion.movement.number if criterion.movement else None
        return page()
    form = CriterionForm()
    form.code.data = criterion.code  # the code is the criterion's identity
    return form_action(lambda: services.update_criterion(
        current_user, criterion, title=form.title.data, max_points=form.max_points.data,
        weight=form.weight.data, kind=form.kind.data,
        movement=services.movement_by_number(campaign, form.movement_number.data),
        guidance=form.guidance.data), form=form, success=_("Changes saved."),
        target=_hub(campaign), on_refusal=page)


@bp.route("/criteria/<int:criterion_id>/delete", methods=["POST"])
@perms.roles_required(*ORGANISER)
def criterion_delete(criterion_id: int):
    criterion = load_or_404(services.criterion_for, current_user, criterion_id)
    services.require_manage(current_user, criterion.campaign)
    return _on_hub(criterion.campaign, lambda: services.delete_criterion(current_user,
                                                                         criterion),
                   _("Criterion deleted."))


@bp.route("/<int:campaign_id>/participants", methods=["POST"])
@perms.roles_required(*ORGANISER)
def participants(campaign_id: int):
    campaign = load_or_404(services.get_campaign_for, current_user, campaign_id)
    services.require_manage(current_user, campaign)
    form = ParticipantsForm()
    return _on_hub(campaign, lambda: _save_participants(campaign, form),
                   _("Participants saved."), form)


def _save_participants(campaign: Campaign, form) -> None:
    services.set_participants(current_user, campaign, form.mode.data,
                              queries.unit_ids(form.unit_codes.data, campaign.issuing_unit)
                              if form.mode.data == "list" else None)


@bp.route("/<int:campaign_id>/clusters/new", methods=["GET", "POST"])
@bp.route("/clusters/<int:cluster_id>/edit", methods=["GET", "POST"])
@perms.roles_required(*ORGANISER)
def cluster_form(campaign_id: int | None = None, cluster_id: int | None = None):
    cluster = None
    if cluster_id is not None:
        cluster = load_or_404(services.cluster_for, current_user, cluster_id)
        services.require_manage(current_user, cluster.campaign)
        campaign = cluster.campaign
    else:
        campaign = load_or_404(services.get_campaign_for, current_user, campaign_id)
        services.require_manage(current_user, campaign)

    def page(status: int = 200):
        return render_template("campaigns/cluster_form.html", form=form, cluster=cluster,
                               campaign=campaign), status

    if request.method == "GET":
        form = ClusterForm(obj=cluster)
        if cluster is not None:
            form.member_codes.data = "\n".join(m.unit.code for m in cluster.members)
            form.leader_code.data = cluster.leader.code if cluster.leader else ""
            form.deputy_code.data = cluster.deputy.code if cluster.deputy else ""
        return page()
    form = ClusterForm()
    return form_action(lambda: services.save_cluster(
        current_user, campaign, cluster=cluster, name=form.name.data, kind=form.kind.data,
        member_ids=queries.unit_ids(form.member_codes.data, campaign.issuing_unit),
        leader_id=queries.one_unit_id(form.leader_code.data, campaign.issuing_unit),
        deputy_id=queries.one_unit_id(form.deputy_code.data, campaign.issuing_unit),
        compact_text=form.compact_text.data, compact_signed_on=form.compact_signed_on.data),
        form=form, success=_("Cluster saved."), target=_hub(campaign), on_refusal=page)


@bp.route("/clusters/<int:cluster_id>")
@login_required
def cluster_detail(cluster_id: int):
    """A cluster of a campaign the user may see: its members a page at a time, with their
    signatures of the compact."""
    cluster = load_or_404(services.cluster_for, current_user, cluster_id)
    return render_template("campaigns/cluster.html", cluster=cluster, campaign=cluster.campaign,
                           pagination=queries.cluster_members(cluster),
                           manage=services.can_manage(current_user, cluster.campaign))


@bp.route("/clusters/<int:cluster_id>/sign", methods=["POST"])
@perms.roles_required("unit_officer")
def compact_sign(cluster_id: int):
    cluster = load_or_404(services.cluster_for, current_user, cluster_id)
    form = ActionForm()
    unit = load_or_404(services.member_unit_for, current_user, cluster,
                       int_arg("unit", source=request.form))
    return _on_hub(cluster.campaign, lambda: services.sign_compact(current_user, cluster, unit),
                   _("The compact is signed for %(unit)s.", unit=unit.name), form)


@bp.route("/<int:campaign_id>/units/<int:unit_id>/dashboard")
@login_required
def unit_dashboard(campaign_id: int, unit_id: int):
    """A unit's own dashboard: its pledge, reports and deadlines, progress, rank."""
    from emulation.pledges.services import campaign_unit_for
    from emulation.scoring.services import published_rank

    campaign, unit = load_or_404(campaign_unit_for, current_user, campaign_id, unit_id)
    return render_template("campaigns/unit_dashboard.html", campaign=campaign, unit=unit,
                           data=dashboard.unit_dashboard(campaign, unit, local_today(),
                                                         int_arg("period")),
                           rank=published_rank(current_user, campaign, unit))


@bp.route("/<int:campaign_id>/reminders", methods=["POST"])
@perms.roles_required(*ORGANISER)
def remind(campaign_id: int):
    """Remind the units behind schedule — of the whole campaign, or of the branch the
    organiser follows (anyone else: 403)."""
    campaign = load_or_404(services.get_campaign_for, current_user, campaign_id)
    follow = services.follow_for(current_user, campaign)
    form = ActionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _detail_page(campaign, 400)
    result = []
    status = attempt(lambda: result.extend(dashboard.chase(
        current_user, follow, request.form.get("version"), local_today())))
    if status:
        return _detail_page(campaign, status)
    flash(_("Reminders sent to %(sent)s of the %(behind)s units behind schedule (a unit is "
            "reminded at most once a day).", sent=result[0], behind=result[1]), "success")
    return redirect(url_for("pledges.campaign_dashboard", campaign_id=campaign.id))


@bp.route("/clusters/<int:cluster_id>/delete", methods=["POST"])
@perms.roles_required(*ORGANISER)
def cluster_delete(cluster_id: int):
    cluster = load_or_404(services.cluster_for, current_user, cluster_id)
    services.require_manage(current_user, cluster.campaign)
    return _on_hub(cluster.campaign, lambda: services.delete_cluster(current_user, cluster),
                   _("Cluster deleted."))


@bp.route("/<int:campaign_id>/attachments", methods=["POST"])
@perms.roles_required(*ORGANISER)
def attachment_add(campaign_id: int):
    campaign = load_or_404(services.get_campaign_for, current_user, campaign_id)
    services.require_manage(current_user, campaign)
    return upload_action(lambda file: services.attach(current_user, campaign, file),
                         form=AttachmentForm(), target=_hub(campaign),
                         on_refusal=lambda status: _detail_page(campaign, status))


@bp.route("/<int:campaign_id>/attachments/<int:attachment_id>")
@login_required
def attachment(campaign_id: int, attachment_id: int):
    campaign = load_or_404(services.get_campaign_for, current_user, campaign_id)
    return send_attachment(attachment_id, "campaign", [campaign.id])


# --- helpers -------------------------------------------------------------------------------

# the campaign page's typed forms, by the name the template knows them
HUB_FORMS = {PeriodForm: "period_form", MovementForm: "movement_form",
             CriterionForm: "criterion_form", ParticipantsForm: "participants_form",
             CloneForm: "clone_form"}


def _detail_page(campaign: Campaign, status: int = 200, form=None):
    """The campaign page; `form`, a refused post of one of its forms, comes back with what
    was typed in it, marked as not saved (the browser asks before leaving it)."""
    forms = {
        "period_form": PeriodForm(formdata=None, year=campaign.year_start),
        "movement_form": MovementForm(formdata=None),
        "criterion_form": CriterionForm(formdata=None),
        "participants_form": ParticipantsForm(formdata=None, mode=campaign.participation_mode),
        "clone_form": CloneForm(formdata=None, year_start=campaign.year_end + 1)}
    unsaved = HUB_FORMS.get(type(form))
    if unsaved:
        forms[unsaved] = form
    return render_template(
        "campaigns/detail.html", campaign=campaign,
        manage=services.can_manage(current_user, campaign),
        **vars(queries.hub(current_user, campaign, page_arg())),
        can_see_ranking=_can_see_ranking(campaign),
        problems=services.publication_problems(campaign) if campaign.state == "draft" else [],
        attachments=uploads.attachments_of("campaign", [campaign.id])[campaign.id],
        **forms, unsaved=unsaved,
        attachment_form=AttachmentForm(formdata=None), move_form=MoveForm(formdata=None),
        can_clone=perms.can_any(current_user, ORGANISER)), status


def _parent_choices(form, campaign: Campaign | None = None) -> None:
    """The campaigns a campaign may answer (hưởng ứng), in the form's select."""
    form.parent_campaign_id.choices = [(0, "—")] + [
        (c.id, f"{c.number or c.id} — {c.title[:90]} ({c.issuing_unit.name})")
        for c in services.parent_choices(current_user, campaign.id if campaign else None)]
    if campaign is not None and campaign.parent_campaign_id and not any(
            value == campaign.parent_campaign_id for value, _label in
            form.parent_campaign_id.choices):
        parent = campaign.parent_campaign
        form.parent_campaign_id.choices.append((parent.id, parent.title[:90]))


def _edit_page(form, campaign: Campaign, status: int = 200):
    return render_template("campaigns/form.html", form=form, campaign=campaign), status


def _can_see_ranking(campaign: Campaign) -> bool:
    from emulation.scoring.services import can_see_ranking

    return campaign.state != "draft" and can_see_ranking(current_user, campaign)


def _on_hub(campaign: Campaign, operation, success: str, form=None):
    """A form posted from the campaign page: back to it, or the page again with the reason
    and what was typed."""
    return form_action(operation, form=form, success=success, target=_hub(campaign),
                       on_refusal=lambda status: _detail_page(campaign, status, form))


def _hub(campaign: Campaign) -> str:
    return url_for("campaigns.detail", campaign_id=campaign.id)


def _fields(form) -> dict:
    return {**{k: getattr(form, k).data for k in services.CAMPAIGN_FIELDS},
            "parent_campaign_id": form.parent_campaign_id.data or None}
