"""Council pages: councils and members, meetings with attendance, agenda and the ballot."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from emulation.auth.fresh import confirm_first, is_fresh
from emulation.awards.blueprints import councils as bp
from emulation.awards.councils import services as service
from emulation.awards.councils.enums import CouncilRole
from emulation.awards.councils.forms import (
    VOTE_CODES,
    AgendaForm,
    AnnulForm,
    CouncilForm,
    MeetingForm,
    MeetingVersionForm,
    MemberForm,
    ReopenForm,
    VoteForm,
    WrittenOpinionForm,
)
from emulation.awards.councils.models import Council, CouncilMeeting
from emulation.awards.decisions import services as decisions
from emulation.awards.nominations import services as nominations
from emulation.core.errors import ServiceError
from emulation.core.forms import Form
from emulation.core.web import form_action, ids_from, load_or_404, save_then_act
from emulation.org.services import unit_choices
from emulation.pick import queries as pick


@bp.route("/councils/", methods=["GET", "POST"])
@login_required
def index():
    if request.method == "GET":
        return _index_page()
    form = CouncilForm()
    made = []

    response = form_action(lambda: made.append(service.create_council_for(
        current_user, form.unit_code.data, form.name.data,
        form.quorum_pct.data or service.QUORUM_DEFAULT_PCT)), form=form,
        success=_("Council created."), target=url_for("councils.index"),
        on_refusal=_index_page)
    return redirect(url_for("councils.council", council_id=made[0].id)) if made else response


@bp.route("/councils/<int:council_id>")
@login_required
def council(council_id: int):
    return _council_page(load_or_404(service.get_council_for, current_user, council_id))


@bp.route("/councils/<int:council_id>/members", methods=["POST"])
@login_required
def member_add(council_id: int):
    council = load_or_404(service.get_council_for, current_user, council_id)
    if not service.can_manage(current_user, council):
        abort(403)
    form = MemberForm()

    def add():
        user = pick.user_in_reach(current_user, form.username.data)
        if user is None:
            raise ServiceError(_("No account you may name has the user name %(name)s.",
                                 name=form.username.data))
        service.add_member(current_user, council, user, form.role.data)

    return form_action(
        add,
        form=form, success=_("Member added."),
        target=url_for("councils.council", council_id=council.id),
        on_refusal=lambda status: _council_page(council, status))


@bp.route("/councils/<int:council_id>/meetings", methods=["POST"])
@login_required
def meeting_add(council_id: int):
    council = load_or_404(service.get_council_for, current_user, council_id)
    if not (service.can_manage(current_user, council)
            or service.is_secretary(current_user, council)):
        abort(403)
    form = MeetingForm()
    made = []
    response = form_action(
        lambda: made.append(service.schedule(current_user, council, form.title.data,
                                             form.held_on.data)),
        form=form, success=_("Meeting scheduled."),
        target=url_for("councils.council", council_id=council.id),
        on_refusal=lambda status: _council_page(council, status))
    return redirect(url_for("councils.meeting", meeting_id=made[0].id)) if made else response


@bp.route("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    return meeting_page(load_or_404(service.get_meeting_for, current_user, meeting_id))


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["POST"])
@login_required
def attendance(meeting_id: int):
    """The attendance form and its buttons `action=save` (the default) and `action=open`:
    opening the ballot saves the attendance ticked on the page first, then opens it (after
    the secretary's password, asked once the attendance is saved); a refusal shows the
    page with what was ticked."""
    meeting = load_or_404(service.get_meeting_for, current_user, meeting_id)
    form = MeetingVersionForm()
    ids = ids_from(request.form.getlist("member"))
    opening = request.form.get("action") == "open"
    needs_password = opening and not is_fresh() and service.is_secretary(current_user,
                                                                          meeting.council)

    def refused(status: int, was_saved: bool):
        return meeting_page(meeting, status, ticked=None if was_saved else set(ids))

    response = save_then_act(
        lambda: service.set_attendance(current_user, meeting, form.version.data, ids),
        (lambda: service.open_ballot(current_user, meeting, meeting.version))
        if opening and not needs_password else None,
        form=form, success=_("Attendance saved; the ballot is open.")
        if opening and not needs_password else _("Attendance saved."),
        target=url_for("councils.meeting", meeting_id=meeting.id),
        saved_message=_("The attendance is saved; the ballot was not opened."),
        on_refusal=refused)
    if needs_password and response.status_code in (302, 303):
        return confirm_first()
    return response


@bp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
@login_required
def agenda_add(meeting_id: int):
    meeting = load_or_404(service.get_meeting_for, current_user, meeting_id)
    form = AgendaForm()
    return _meeting_action(meeting, form, lambda: service.add_to_agenda_by_id(
        current_user, meeting, form.nomination.data))


@bp.route("/meetings/<int:meeting_id>/open", methods=["POST"])
@login_required
def ballot_open(meeting_id: int):
    return _ballot(meeting_id, service.open_ballot)


@bp.route("/meetings/<int:meeting_id>/close", methods=["POST"])
@login_required
def ballot_close(meeting_id: int):
    return _ballot(meeting_id, service.close_ballot)


@bp.route("/meetings/<int:meeting_id>/annul", methods=["POST"])
@login_required
def ballot_annul(meeting_id: int):
    """The secretary annuls an open ballot that cannot close, with a reason."""
    meeting = load_or_404(service.get_meeting_for, current_user, meeting_id)
    if not service.is_secretary(current_user, meeting.council):
        abort(403)
    if not is_fresh():
        return confirm_first()
    form = AnnulForm()
    return form_action(
        lambda: service.annul_ballot(current_user, meeting, form.version.data,
                                     form.reason.data or ""), form=form,
        success=_("The ballot was annulled: nothing was counted, and the meeting can vote "
                  "again."),
        target=url_for("councils.meeting", meeting_id=meeting.id),
        on_refusal=lambda status: meeting_page(meeting, status))


@bp.route("/agenda/<int:item_id>/vote", methods=["POST"])
@login_required
def vote(item_id: int):
    item = load_or_404(service.get_item_for, current_user, item_id)
    meeting = item.meeting
    form = VoteForm()
    return form_action(
        lambda: service.cast_vote(current_user, item, form.chosen()), form=form,
        success=_("Your vote has been recorded. No one can see what you chose."),
        target=url_for("councils.meeting", meeting_id=meeting.id),
        on_refusal=lambda status: meeting_page(meeting, status))


@bp.route("/agenda/<int:item_id>/written", methods=["POST"])
@login_required
def written_opinion(item_id: int):
    """The secretary records the written opinion an absent member signed (phiếu ý kiến bằng
    văn bản), sealed like a vote."""
    item = load_or_404(service.get_item_for, current_user, item_id)
    meeting = item.meeting
    if not service.is_secretary(current_user, meeting.council):
        abort(403)
    form = WrittenOpinionForm()
    return form_action(
        lambda: service.record_written_opinion(current_user, item, form.member.data,
                                               form.chosen()), form=form,
        success=_("The written opinion has been recorded, sealed like the other votes."),
        target=url_for("councils.meeting", meeting_id=meeting.id) + "#written-opinions",
        on_refusal=lambda status: meeting_page(meeting, status))


@bp.route("/agenda/<int:item_id>/reopen", methods=["POST"])
@login_required
def reopen(item_id: int):
    """An organiser sets a council's vote on a dossier aside, with a reason, so that it can be
    voted again at another meeting."""
    item = load_or_404(service.get_item_for, current_user, item_id)
    meeting = item.meeting
    if not service.can_manage(current_user, meeting.council):
        abort(403)
    if not is_fresh():
        return confirm_first()
    form = ReopenForm()
    return form_action(
        lambda: service.reopen_item(current_user, item, form.reason.data or ""), form=form,
        success=_("The vote has been reopened: the dossier can go on another meeting."),
        target=url_for("councils.meeting", meeting_id=meeting.id),
        on_refusal=lambda status: meeting_page(meeting, status))


def _ballot(meeting_id: int, operation):
    """Opening and closing the ballot: the secretary confirms their password first."""
    meeting = load_or_404(service.get_meeting_for, current_user, meeting_id)
    if not is_fresh() and service.is_secretary(current_user, meeting.council):
        return confirm_first()
    form = MeetingVersionForm()
    return _meeting_action(meeting, form,
                           lambda: operation(current_user, meeting, form.version.data))


def _meeting_action(meeting: CouncilMeeting, form, operation):
    return form_action(operation, form=form, success=_("Meeting updated."),
                       target=url_for("councils.meeting", meeting_id=meeting.id),
                       on_refusal=lambda status: meeting_page(meeting, status))


def _index_page(status: int = 200):
    # the new-council form offers only the units the user organises (nobody else's names)
    return render_template("awards/councils.html", councils=service.councils_for(current_user),
                           organised_units=unit_choices(current_user, ("organiser",)),
                           form=Form(formdata=None)), status


def _council_page(council: Council, status: int = 200):
    return render_template("awards/council.html", council=council, form=Form(formdata=None),
                           manage=service.can_manage(current_user, council),
                           secretary=service.is_secretary(current_user, council),
                           roles=CouncilRole.values()), status


def meeting_page(meeting: CouncilMeeting, status: int = 200, ticked: set | None = None):
    """The meeting page (with `status`: a refused post on it, whose reason is flashed);
    `ticked` (a refused attendance) shows the members as they were ticked, marked as not
    saved. The publish button shows only to whom may publish, the publication once made."""
    council = meeting.council
    present = {a.member_id for a in meeting.attendance}
    member = service.member_of(current_user, council)
    secretary = service.is_secretary(current_user, council)
    voting = meeting.state == "voting"
    return render_template(
        "awards/meeting.html", meeting=meeting, council=council, present=present,
        candidates=service.agenda_candidates(current_user, meeting), form=Form(formdata=None),
        secretary=secretary, ticked=present if ticked is None else ticked,
        unsaved=ticked is not None,
        can_vote=member is not None and member.id in present and voting,
        voted=service.voted_items(current_user, meeting), vote_codes=VOTE_CODES,
        cast=service.votes_cast(meeting) if voting else {},
        # how many written opinions each item holds (counts; after the close too, for the
        # result) and, for the secretary while voting, whose are recorded — never a choice
        written=service.votes_written(meeting) if meeting.state != "scheduled" else {},
        written_by=service.written_by(meeting) if secretary and voting else {},
        absent=service.absent_members(meeting) if secretary and voting else [],
        needed=service.votes_needed(meeting),
        readable=nominations.readable_ids(current_user, [i.nomination for i in meeting.items]),
        can_publish=decisions.may_publish(current_user, meeting),
        publication=decisions.publication_of(meeting) if meeting.state == "closed" else None,
        reopenable={i.id for i in meeting.items if service.can_reopen(current_user, i)}), status
