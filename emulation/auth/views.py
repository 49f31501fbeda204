"""Login, logout and the user's own profile."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from emulation.api.services import create_token, revoke_token, token_for, tokens_of
from emulation.auth import services
from emulation.auth.forms import (
    ChangePasswordForm,
    ConfirmForm,
    LoginForm,
    ReauthForm,
    TokenForm,
)
from emulation.auth.fresh import fresh_login_required, mark_fresh
from emulation.core.errors import ServiceError
from emulation.core.web import attempt, flash_form_errors, is_safe_next, load_or_404
from emulation.extensions import limiter

bp = Blueprint("auth", __name__)
# Every form that checks a password (login, reauth, password change) draws on one budget of
# attempts per client IP, on top of the per-account lockout.
password_attempts = limiter.shared_limit(lambda: current_app.config["LOGIN_RATE_LIMIT"],
                                         scope="password", methods=["POST"])


@bp.route("/login", methods=["GET", "POST"])
@password_attempts
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = services.authenticate(form.username.data, form.password.data)
        if result.user is not None:
            locale = session.get("locale")
            session.clear()  # a fresh session at login: nothing carried over from before
            if locale and not result.user.locale:
                session["locale"] = locale
            session.permanent = True
            login_user(result.user)
            session[services.SESSION_KEY] = services.open_session(result.user)
            mark_fresh()
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("main.index"))
        flash(result.error, "danger")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/reauth", methods=["GET", "POST"])
@login_required
@password_attempts
def reauth():
    """Confirm the password before a sensitive action."""
    form = ReauthForm()
    status = 200
    target = request.args.get("next")
    if form.validate_on_submit():
        result = services.authenticate(current_user.username, form.password.data,
                                       where="reauth")
        if result.user is not None and result.user.id == current_user.id:
            mark_fresh()
            flash(_("Password confirmed."), "success")
            return redirect(target if is_safe_next(target) else url_for("main.index"))
        flash(result.error, "danger")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/reauth.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    services.record_logout(current_user if current_user.is_authenticated else None,
                           session.get(services.SESSION_KEY))
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
@password_attempts
def profile():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.change_own_password(current_user, form.current_password.data,
                                         form.new_password.data)
        except ServiceError as err:
            flash(str(err.message), "danger")
            status = 400
        else:
            login_user(current_user._get_current_object())  # this session stays; others end
            mark_fresh()  # the current password was just typed
            flash(_("Your password has been changed. Other sessions have been signed out."),
                  "success")
            return redirect(url_for("auth.profile"))
    elif request.method == "POST":
        status = 400
    return profile_page(status, form=form)


@bp.route("/profile/tokens", methods=["POST"])
@login_required
@fresh_login_required
def token_create():
    """A new API token: the password must have been typed in the last minutes."""
    form = TokenForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return profile_page(400, token_form=form)
    made = []
    status = attempt(lambda: made.append(create_token(current_user, current_user,
                                                      form.name.data, form.days.data)))
    if status:
        return profile_page(status, token_form=form)
    return profile_page(200, new_secret=made[0][1])


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def token_revoke(token_id: int):
    token = load_or_404(token_for, current_user, token_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    status = attempt(lambda: revoke_token(current_user, token))
    if status:
        return profile_page(status)
    flash(_("Token revoked."), "success")
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("auth.profile"))


def profile_page(status: int = 200, new_secret: str | None = None, form=None,
                 token_form=None):
    return render_template("auth/profile.html", form=form or ChangePasswordForm(formdata=None),
                           tokens=tokens_of(current_user), new_secret=new_secret,
                           token_form=token_form or TokenForm(formdata=None),
                           token_days=current_app.config["API_TOKEN_DAYS"],
                           token_max_days=current_app.config["API_TOKEN_MAX_DAYS"],
                           confirm_form=ConfirmForm(formdata=None)), status


@bp.route("/profile/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    services.sign_out_everywhere(current_user, current_user)
    logout_user()
    session.clear()
    flash(_("All your sessions have been signed out."), "info")
    return redirect(url_for("auth.login"))
