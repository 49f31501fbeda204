"""Administration pages: users with their role grants, and the audit log (read only)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from emulation.admin import exports, queries
from emulation.admin.forms import AuditFilterForm
from emulation.api.services import tokens_of
from emulation.auth import services
from emulation.auth.forms import (
    ConfirmForm,
    GrantForm,
    ResetPasswordForm,
    UserCreateForm,
    UserEditForm,
)
from emulation.auth.fresh import fresh_login_required
from emulation.auth.models import User
from emulation.core.audit import action_label, record_type_label
from emulation.core.errors import ServiceError
from emulation.core.permissions import admin_required
from emulation.core.text import clean, fold
from emulation.core.web import (
    attempt,
    flash_form_errors,
    form_action,
    keyset,
    load_or_404,
    paginate,
)
from emulation.jobs.web import export_response
from emulation.org.services import unit_by_code

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users/")
@admin_required
def users():
    q = clean(request.args.get("q", ""))[:100]
    return render_template("admin/users.html", pagination=paginate(queries.users_query(q), 50),
                           q=q)


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
    user = load_or_404(services.get_user, user_id)
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
                           confirm_form=ConfirmForm(), tokens=tokens_of(user)), status


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@admin_required
@fresh_login_required
def user_reset_password(user_id: int):
    user = load_or_404(services.get_user, user_id)
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
    user = load_or_404(services.get_user, user_id)
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
    user = load_or_404(services.get_user, user_id)
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
    user = load_or_404(services.get_user, user_id)
    form = GrantForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _refuse(user)
    def grant():
        code = clean(form.unit_code.data)
        unit = unit_by_code(code) if code else None
        if code and unit is None:
            raise ServiceError(_("No unit has the code %(code)s.", code=code))
        services.add_grant(current_user, user, form.role.data, unit)

    return form_action(grant, success=_("Role granted."),
                       target=url_for("admin.user_detail", user_id=user.id),
                       on_refusal=lambda status: _refuse(user, status))


@bp.route("/grants/<int:grant_id>/delete", methods=["POST"])
@admin_required
@fresh_login_required
def grant_remove(grant_id: int):
    grant = load_or_404(services.get_grant, grant_id)
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
    audit = _audit_filters()
    return render_template("admin/audit.html", pagination=keyset(audit.query(), 100),
                           actions=_by_label(action_label, queries.audit_actions()),
                           object_types=_by_label(record_type_label,
                                                  queries.audit_object_types()),
                           filters={"actor": audit.actor, "action": audit.action,
                                    "object_type": audit.object_type,
                                    "object_id": audit.object_id, "q": audit.q,
                                    "from": request.args.get("from", "")[:10],
                                    "to": request.args.get("to", "")[:10]},
                           export_args={k: v for k, v in request.args.items()
                                        if k not in ("page", "cursor")})


@bp.route("/audit/export.xlsx")
@bp.route("/audit/export.csv", endpoint="audit_export_csv")
@admin_required
def audit_export():
    """The log as a spreadsheet (or CSV), with exactly the page's filters (a large one is a
    job)."""
    return export_response("audit", _audit_filters().params())


def _by_label(label, codes) -> list[tuple[str, str]]:
    """(code, label) pairs in the order of their labels, accents aside (a filter's list)."""
    return sorted(((code, label(code)) for code in codes), key=lambda pair: fold(pair[1]))


def _audit_filters() -> exports.AuditList:
    """The page's filters from the query string; a filter that cannot be read is left out,
    and said so."""
    form = AuditFilterForm(request.args)
    if not form.validate():
        flash_form_errors(form)
    valid = {name: (None if field.errors else field.data) for name, field in form._fields.items()}
    return exports.AuditList(actor=valid["actor"] or "", action=valid["action"] or "",
                             object_type=valid["object_type"] or "",
                             object_id=valid["object_id"], q=valid["q"] or "",
                             date_from=valid["date_from"], date_to=valid["date_to"])


def _refuse(user: User, status: int = 400, message: str | None = None):
    """The user page again, with a 4xx and the reason (already flashed unless given here)."""
    if message:
        flash(message, "danger")
    return render_template("admin/user_detail.html", user=user,
                           form=UserEditForm(obj=user, version=user.version,
                                             locale=user.locale or ""),
                           grant_form=GrantForm(), reset_form=ResetPasswordForm(),
                           confirm_form=ConfirmForm(), tokens=tokens_of(user)), status
