"""Council pages: councils and members, meetings with attendance, agenda and the ballot."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from emulation.auth.fresh import confirm_first, is_fresh
from emulation.auth.models import User
from emulation.awards.blueprints import councils as bp
from emulation.awards.councils import services as service
from emulation.awards.councils.models import COUNCIL_ROLES, AgendaItem, Council, CouncilMeeting
from emulation.awards.nominations.models import Nomination
from emulation.core.forms import Form
from emulation.core.web import attempt, int_arg
from emulation.extensions import db
from emulation.org.services import unit_by_code


@bp.route("/councils/", methods=["GET", "POST"])
@login_required
def index():
    if request.method == "POST":
        if not Form().validate_on_submit():
            abort(400)
        unit = unit_by_code(request.form.get("unit_code", ""))
        try:
            quorum = Decimal(request.form.get("quorum_pct") or "66.67")
        except InvalidOperation:
            quorum = Decimal(-1)
        if unit is None:
            flash(_("No unit has the code %(code)s.", code=request.form.get("unit_code", "")),
                  "danger")
            return _index_page(400)
        made = []
        status = attempt(lambda: made.append(service.create_council(
            current_user, unit, request.form.get("name", ""), quorum)))
        if status:
            return _index_page(status)
        return redirect(url_for("councils.council", council_id=made[0].id))
    return _index_page()


@bp.route("/councils/<int:council_id>")
@login_required
def council(council_id: int):
    return _council_page(_council_or_404(council_id))


@bp.route("/councils/<int:council_id>/members", methods=["POST"])
@login_required
def member_add(council_id: int):
    council = _council_or_404(council_id)
    if not service.can_manage(current_user, council):
        abort(403)
    if not Form().validate_on_submit():
        abort(400)
    user = db.session.scalar(select(User).where(
        User.username == request.form.get("username", "").strip().lower()))
    if user is None:
        flash(_("No such user."), "danger")
        return _council_page(council, 400)
    status = attempt(lambda: service.add_member(current_user, council, user,
                                                request.form.get("role", "")))
    if status:
        return _council_page(council, status)
    flash(_("Member added."), "success")
    return redirect(url_for("councils.council", council_id=council.id))


@bp.route("/councils/<int:council_id>/meetings", methods=["POST"])
@login_required
def meeting_add(council_id: int):
    council = _council_or_404(council_id)
    if not (service.can_manage(current_user, council)
            or service.is_secretary(current_user, council)):
        abort(403)
    if not Form().validate_on_submit():
        abort(400)
    try:
        held_on = date.fromisoformat(request.form.get("held_on", ""))
    except ValueError:
        flash(_("The meeting date is not valid."), "danger")
        return _council_page(council, 400)
    made = []
    status = attempt(lambda: made.append(service.schedule(
        current_user, council, request.form.get("title", ""), held_on)))
    if status:
        return _council_page(council, status)
    return redirect(url_for("councils.meeting", meeting_id=made[0].id))


@bp.route("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    return _meeting_page(_meeting_or_404(meeting_id))


@bp.route("/meetings/<int:meeting_id>/<action>", methods=["POST"])
@login_required
def meeting_act(meeting_id: int, action: str):
    meeting = _meeting_or_404(meeting_id)
    if not Form().validate_on_submit():
        abort(400)
    version = request.form.get("version")
    if action == "attendance":
        ids = [int(v) for v in request.form.getlist("member") if v.isdigit()]
        operation = lambda: service.set_attendance(current_user, meeting, version, ids)  # noqa: E731
    elif action == "agenda":
        nomination = db.session.get(Nomination, int_arg("nomination", source=request.form) or 0)
        if nomination is None:
            flash(_("Choose a dossier."), "danger")
            return _meeting_page(meeting, 400)
        operation = lambda: service.add_to_agenda(current_user, meeting, nomination)  # noqa: E731
    elif action in ("open", "close") and not is_fresh() and service.is_secretary(
            current_user, meeting.council):
        return confirm_first()
    elif action == "open":
        operation = lambda: service.open_ballot(current_user, meeting, version)  # noqa: E731
    elif action == "close":
        operation = lambda: service.close_ballot(current_user, meeting, version)  # noqa: E731
    else:
        abort(404)
    status = attempt(operation)
    if status:
        return _meeting_page(meeting, status)
    flash(_("Meeting updated."), "success")
    return redirect(url_for("councils.meeting", meeting_id=meeting.id))


@bp.route("/agenda/<int:item_id>/vote", methods=["POST"])
@login_required
def vote(item_id: int):
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        abort(404)
    meeting = _meeting_or_404(item.meeting_id)
    if not Form().validate_on_submit():
        abort(400)
    status = attempt(lambda: service.cast_vote(current_user, item,
                                               request.form.get("choice", "")))
    if status:
        return _meeting_page(meeting, status)
    flash(_("Your vote has been recorded. No one can see what you chose."), "success")
    return redirect(url_for("councils.meeting", meeting_id=meeting.id))


def _index_page(status: int = 200):
    councils = db.session.scalars(service.councils_query(current_user)).all()
    return render_template("awards/councils.html", councils=councils,
                           form=Form(formdata=None)), status


def _council_page(council: Council, status: int = 200):
    return render_template("awards/council.html", council=council, form=Form(formdata=None),
                           manage=service.can_manage(current_user, council),
                           secretary=service.is_secretary(current_user, council),
                           roles=COUNCIL_ROLES), status


def _meeting_page(meeting: CouncilMeeting, status: int = 200):
    council = meeting.council
    present = {a.member_id for a in meeting.attendance}
    candidates = []
    if service.is_secretary(current_user, council) and meeting.state == "scheduled":
        on_agenda = {i.nomination_id for i in meeting.items}
        candidates = [n for n in db.session.scalars(select(Nomination).where(
            Nomination.state == "on_agenda")) if n.id not in on_agenda and
            n.level_unit.path.startswith(council.unit.path)]
    member = service.member_of(current_user, council)
    return render_template(
        "awards/meeting.html", meeting=meeting, council=council, present=present,
        candidates=candidates, form=Form(formdata=None),
        secretary=service.is_secretary(current_user, council),
        can_vote=member is not None and member.id in present and meeting.state == "voting",
        voted=service.voted_items(current_user, meeting)), status


def _council_or_404(council_id: int) -> Council:
    council = db.session.get(Council, council_id)
    if council is None or not (current_user.is_admin or service.can_manage(current_user, council)
                               or service.member_of(current_user, council)):
        abort(404)
    return council


def _meeting_or_404(meeting_id: int) -> CouncilMeeting:
    meeting = db.session.get(CouncilMeeting, meeting_id)
    if meeting is None:
        abort(404)
    _council_or_404(meeting.council_id)
    return meeting
