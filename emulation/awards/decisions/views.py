"""Publication, objections, and decisions with their annex and draft."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from emulation.auth.fresh import confirm_first, is_fresh
from emulation.awards.blueprints import decisions as bp
from emulation.awards.councils.models import AgendaItem
from emulation.awards.councils.views import _meeting_or_404
from emulation.awards.decisions import documents
from emulation.awards.decisions import services as service
from emulation.awards.decisions.models import Decision, Objection, Publication
from emulation.awards.nominations.models import Nomination
from emulation.core import permissions as perms
from emulation.core.forms import Form
from emulation.core.web import attempt, local_today, page_arg, xlsx_response
from emulation.core.xlsx import Workbook
from emulation.extensions import db
from emulation.org.services import unit_by_code

ANNEX_HEADERS = ["STT", "Họ tên / Tập thể", "Mã", "Đơn vị", "Hình thức khen thưởng", "Năm",
                 "Tiền thưởng (đồng)"]


@bp.route("/meetings/<int:meeting_id>/publish", methods=["POST"])
@login_required
def publish(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    if not Form().validate_on_submit():
        abort(400)
    status = attempt(lambda: service.publish(current_user, meeting, local_today()))
    if not status:
        flash(_("The list has been published."), "success")
    return redirect(url_for("councils.meeting", meeting_id=meeting.id)), status or 302


@bp.route("/meetings/<int:meeting_id>/memo.docx")
@login_required
def memo(meeting_id: int):
    """Tờ trình with the list of the meeting's nominations and their eligibility."""
    meeting = _meeting_or_404(meeting_id)
    return _docx(documents.submission_memo(meeting, _agenda_rows(meeting), local_today()),
                 f"to-trinh-{meeting.id}.docx")


@bp.route("/meetings/<int:meeting_id>/list.xlsx")
@login_required
def agenda_list(meeting_id: int):
    """Danh sách trích ngang: name, unit, position, award, summary, eligibility."""
    meeting = _meeting_or_404(meeting_id)
    wb = Workbook()
    sheet = wb.sheet("Trich ngang")
    sheet.header(["STT", "Họ tên / Tập thể", "Đơn vị", "Chức vụ", "Hình thức", "Tóm tắt "
                  "thành tích", "Kiểm tra tiêu chuẩn", "Giải trình"],
                 [6, 30, 36, 24, 32, 60, 24, 40], autofilter=True)
    for number, row in enumerate(_agenda_rows(meeting), start=1):
        sheet.append([number, row["subject"], row["unit"], row["position"], row["award"],
                      row["summary"], row["eligibility"], row["explanation"]])
    return xlsx_response(wb, f"trich-ngang-{meeting.id}.xlsx")


@bp.route("/meetings/<int:meeting_id>/minutes.docx")
@login_required
def minutes(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    if meeting.state != "closed":
        abort(409)
    rows = [{**row, "agree": item.agree, "disagree": item.disagree, "abstain": item.abstain,
             "result": "Đạt" if item.passed else "Không đạt"}
            for item, row in zip(meeting.items, _agenda_rows(meeting), strict=True)]
    return _docx(documents.minutes(meeting, rows), f"bien-ban-{meeting.id}.docx")


@bp.route("/publications/")
@login_required
def publications():
    """Every published list, open to any logged-in user, who may object."""
    rows = db.session.execute(
        select(Publication, AgendaItem).join(AgendaItem, AgendaItem.meeting_id ==
                                             Publication.meeting_id)
        .where(AgendaItem.passed.is_(True)).order_by(Publication.id.desc(), AgendaItem.id)
        .limit(500)).all()
    objections = {}
    for o in db.session.scalars(select(Objection).where(Objection.nomination_id.in_(
            {item.nomination_id for _p, item in rows}))):
        objections.setdefault(o.nomination_id, []).append(o)
    return render_template("awards/publications.html", rows=rows, objections=objections,
                           form=Form(formdata=None), today=local_today())


@bp.route("/nominations/<int:nomination_id>/objections", methods=["POST"])
@login_required
def objection_add(nomination_id: int):
    nomination = db.session.get(Nomination, nomination_id) or abort(404)
    if not Form().validate_on_submit():
        abort(400)
    status = attempt(lambda: service.object_to(current_user, nomination,
                                               request.form.get("text", "")))
    if not status:
        flash(_("Your objection has been recorded."), "success")
    return redirect(url_for("decisions.publications")), status or 302


@bp.route("/objections/<int:objection_id>/resolve", methods=["POST"])
@login_required
def objection_resolve(objection_id: int):
    objection = db.session.get(Objection, objection_id) or abort(404)
    if not Form().validate_on_submit():
        abort(400)
    status = attempt(lambda: service.resolve(current_user, objection,
                                             request.form.get("upheld") == "1",
                                             request.form.get("reason", "")))
    if not status:
        flash(_("Objection resolved."), "success")
    return redirect(url_for("decisions.publications")), status or 302


@bp.route("/decisions/")
@login_required
def index():
    pagination = db.paginate(service.decisions_query(current_user), page=page_arg(),
                             per_page=50, error_out=False)
    return render_template("awards/decisions.html", pagination=pagination,
                           can_create=perms.can_any(current_user, ("organiser",)))


@bp.route("/decisions/new", methods=["GET", "POST"])
@perms.roles_required("organiser")
def create():
    candidates = _candidates()
    status = 200
    if request.method == "POST":
        if not Form().validate_on_submit():
            abort(400)
        unit = unit_by_code(request.form.get("unit_code", ""))
        chosen = {int(v) for v in request.form.getlist("nomination") if v.isdigit()}
        try:
            signed_on = date.fromisoformat(request.form.get("signed_on", ""))
        except ValueError:
            signed_on = None
        if unit is None or signed_on is None:
            flash(_("Give the issuing unit's code and the signing date."), "danger")
            status = 400
        else:
            made = []
            status = attempt(lambda: made.append(service.create_decision(
                current_user, unit, number=request.form.get("number", ""), signed_on=signed_on,
                signer=request.form.get("signer", ""),
                nominations=[n for n in db.session.scalars(select(Nomination).where(
                    Nomination.id.in_(chosen)))], today=local_today()))) or 200
            if made:
                return redirect(url_for("decisions.detail", decision_id=made[0].id))
    return render_template("awards/decision_new.html", candidates=candidates,
                           form=Form(formdata=None), today=local_today()), status


@bp.route("/decisions/<int:decision_id>", methods=["GET", "POST"])
@login_required
def detail(decision_id: int):
    decision = _decision_or_404(decision_id)
    status = 200
    if request.method == "POST":
        if not Form().validate_on_submit():
            abort(400)
        action = request.form.get("action")
        version = request.form.get("version")
        if action in ("issue", "revoke") and not is_fresh() and perms.covers(
                current_user, decision.issuing_unit, ("organiser",)):
            return confirm_first()
        if action == "issue":
            status = attempt(lambda: service.issue(current_user, decision, version,
                                                   local_today())) or 200
        elif action == "revoke":
            status = attempt(lambda: service.revoke(current_user, decision, version,
                                                    request.form.get("reason", ""))) or 200
        else:
            status = attempt(lambda: service.refuse_edit(decision)) or 400
        if status == 200:
            flash(_("Decision updated."), "success")
            return redirect(url_for("decisions.detail", decision_id=decision.id))
    return render_template("awards/decision.html", decision=decision, form=Form(formdata=None),
                           manage=perms.covers(current_user, decision.issuing_unit,
                                               ("organiser",))), status


@bp.route("/decisions/<int:decision_id>/annex.xlsx")
@login_required
def annex(decision_id: int):
    decision = _decision_or_404(decision_id)
    wb = Workbook()
    sheet = wb.sheet("Danh sach")
    sheet.header(ANNEX_HEADERS, [6, 32, 14, 40, 40, 8, 18], autofilter=True)
    for number, row in enumerate(_rows(decision), start=1):
        sheet.append([number, row["subject"], row["code"], row["unit"], row["award"],
                      row["year"], row["cash"]])
    sheet.append(["", "Tổng cộng", "", "", "", "", decision.total_cash])
    return xlsx_response(wb, f"phu-luc-{decision.id}.xlsx")


@bp.route("/decisions/<int:decision_id>/draft.docx")
@login_required
def draft(decision_id: int):
    decision = _decision_or_404(decision_id)
    return _docx(documents.decision_draft(decision, _rows(decision)),
                 f"quyet-dinh-{decision.id}.docx")


def _agenda_rows(meeting) -> list[dict]:
    labels = {True: "Đủ tiêu chuẩn", False: "Chưa đủ tiêu chuẩn", None: "Chưa đủ dữ liệu"}
    rows = []
    for item in meeting.items:
        n = item.nomination
        unit = n.person.unit if n.person else n.unit
        rows.append({"subject": n.subject_name, "unit": unit.name,
                     "position": n.person.position if n.person else "",
                     "award": n.award_type.name, "summary": n.summary,
                     "eligibility": labels[n.eligible], "explanation": n.explanation})
    return rows


def _docx(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument."
                                    "wordprocessingml.document",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "X-Content-Type-Options": "nosniff"})


def _rows(decision: Decision) -> list[dict]:
    rows = []
    for item in decision.items:
        n = item.nomination
        unit = n.person.unit if n.person else n.unit
        rows.append({"subject": n.subject_name, "code": (n.person or n.unit).code,
                     "unit": unit.name if n.person else (unit.parent.name if unit.parent
                                                         else unit.name),
                     "award": n.award_type.name, "year": n.year, "cash": item.cash_amount})
    return rows


def _candidates() -> list[Nomination]:
    today = local_today()
    stmt = (select(Nomination).join(AgendaItem, AgendaItem.nomination_id == Nomination.id)
            .where(AgendaItem.passed.is_(True), Nomination.state != "withdrawn",
                   Nomination.level_unit_id.in_(perms.covered_unit_ids(current_user,
                                                                       ("organiser",))))
            .order_by(Nomination.id))
    return [n for n in db.session.scalars(stmt) if service.grantable(n, today) is None]


def _decision_or_404(decision_id: int) -> Decision:
    decision = db.session.get(Decision, decision_id)
    if decision is None or (decision.state == "draft" and not perms.covers(
            current_user, decision.issuing_unit, ("organiser",))):
        abort(404)
    return decision


