"""Administration pages: users with their role grants, and the audit log (read only)."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from emulation.auth import services
from emulation.auth.forms import (
    ConfirmForm,
    GrantForm,
    ResetPasswordForm,
    UserCreateForm,
    UserEditForm,
)
from emulation.auth.fresh import fresh_login_required
from emulation.auth.models import RoleGrant, User
from emulation.core.audit import AuditEvent
from emulation.core.errors import ServiceError
from emulation.core.permissions import admin_required
from emulation.core.text import clean, like_pattern
from emulation.core.web import attempt, flash_form_errors, int_arg, page_arg
from emulation.extensions import db
from emulation.org.models import Unit

bp = Blueprint("admin", __name__, url_prefix="/admin")
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@bp.route("/users/")
@admin_required
def users():
    q = clean(request.args.get("q", ""))[:100]
    stmt = select(User).order_by(User.username)
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(or_(func.lower(User.username).like(pattern, escape="\\"),
                              func.lower(User.full_name).like(f"%{q.lower()}%")))
    pagination = db.paginate(stmt, page=page_arg(), per_page=50, error_out=False)
    return render_template("admin/users.html", pagination=pagination, q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_create():
    form = UserCreateForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.create_user(current_user, username=form.username.data,
                                        password=form.password.data,
                                        full_name=form.full_name.data, email=form.email.data,
                                        locale=form.locale.data)
        except ServiceError as err:
            flash(str(err.message), "danger")
            status = 400
        else:
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    elif request.method == "POST":
        status = 400
    return render_template("admin/user_form.html", form=form), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_detail(user_id: int):
    user = _user_or_404(user_id)
    form = UserEditForm(obj=user if request.method == "GET" else None)
    status = 200
    if request.method == "GET":
        form.version.data = user.version
        form.locale.data = user.locale or ""
    elif form.validate_on_submit():
        status = attempt(lambda: services.update_user(
            current_user, user, version=form.version.data, full_name=form.full_name.data,
            email=form.email.data, locale=form.locale.data)) or 200
        if status == 200:
            flash(_("Changes saved."), "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    else:
        status = 400
    return render_template("admin/user_detail.html", user=user, form=form,
                           grant_form=GrantForm(), reset_form=ResetPasswordForm(),
                           confirm_form=ConfirmForm()), status


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@admin_required
@fresh_login_required
def user_reset_password(user_id: int):
    user = _user_or_404(user_id)
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _refuse(user)
    status = attempt(lambda: services.reset_password(current_user, user, form.new_password.data))
    if status:
        return _refuse(user, status)
    flash(_("Password reset. The user's sessions have been signed out."), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
def user_set_active(user_id: int):
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if request.form.get("active") not in ("0", "1"):
        abort(400)
    active = request.form.get("active") == "1"
    status = attempt(lambda: services.set_active(current_user, user, active))
    if status:
        return _refuse(user, status)
    flash(_("Account activated.") if active else _("Account deactivated."), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/sign-out", methods=["POST"])
@admin_required
def user_sign_out(user_id: int):
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.sign_out_everywhere(current_user, user)
    flash(_("All sessions of this user have been signed out."), "success")
    if user.id == current_user.id:
        return redirect(url_for("auth.login"))
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/grants", methods=["POST"])
@admin_required
@fresh_login_required
def grant_add(user_id: int):
    user = _user_or_404(user_id)
    form = GrantForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _refuse(user)
    unit = None
    code = clean(form.unit_code.data)
    if code:
        unit = db.session.scalar(select(Unit).where(Unit.code == code))
        if unit is None:
            return _refuse(user, 400, _("No unit has the code %(code)s.", code=code))
    status = attempt(lambda: services.add_grant(current_user, user, form.role.data, unit))
    if status:
        return _refuse(user, status)
    flash(_("Role granted."), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/grants/<int:grant_id>/delete", methods=["POST"])
@admin_required
@fresh_login_required
def grant_remove(grant_id: int):
    grant = db.session.get(RoleGrant, grant_id) or abort(404)
    user = grant.user
    if not ConfirmForm().validate_on_submit():
        abort(400)
    status = attempt(lambda: services.remove_grant(current_user, grant))
    if status:
        return _refuse(user, status)
    flash(_("Role removed."), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/audit/")
@admin_required
def audit_log():
    """Nhật ký: every state change, newest first, filtered; there is no way to edit one."""
    args = request.args
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    actor = clean(args.get("actor", ""))[:64]
    action = clean(args.get("action", ""))[:64]
    object_type = clean(args.get("object_type", ""))[:40]
    object_id = int_arg("object_id", source=args)
    q = clean(args.get("q", ""))[:100]
    date_from = _parse_day(args.get("from"))
    date_to = _parse_day(args.get("to"))
    if actor:
        stmt = stmt.where(AuditEvent.actor_name == actor.lower())
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    if q:
        stmt = stmt.where(AuditEvent.summary.contains(q, autoescape=True))
    if date_from:
        stmt = stmt.where(AuditEvent.created_at >= _local_midnight(date_from))
    if date_to:
        stmt = stmt.where(AuditEvent.created_at < _local_midnight(date_to) + timedelta(days=1))
    pagination = db.paginate(stmt, page=page_arg(), per_page=100, error_out=False)
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    return render_template("admin/audit.html", pagination=pagination, actions=list(actions),
                           filters={"actor": actor, "action": action, "object_type": object_type,
                                    "object_id": object_id, "q": q,
                                    "from": args.get("from", ""), "to": args.get("to", "")})


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _refuse(user: User, status: int = 400, message: str | None = None):
    """The user page again, with a 4xx and the reason (already flashed unless given here)."""
    if message:
        flash(message, "danger")
    return render_template("admin/user_detail.html", user=user,
                           form=UserEditForm(obj=user, version=user.version,
                                             locale=user.locale or ""),
                           grant_form=GrantForm(), reset_form=ResetPasswordForm(),
                           confirm_form=ConfirmForm()), status


def _parse_day(value: str | None):
    try:
        return datetime.strptime(value, "%Y-%m-%d").date() if value else None
    except ValueError:
        return None


def _local_midnight(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(timezone.utc)
