"""Login, logout and the user's own profile."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from emulation.auth import services
from emulation.auth.forms import ChangePasswordForm, LoginForm
from emulation.core.errors import ServiceError
from emulation.core.web import is_safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
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
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("main.index"))
        flash(result.error, "danger")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.record_logout(current_user)
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
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
            flash(_("Your password has been changed. Other sessions have been signed out."),
                  "success")
            return redirect(url_for("auth.profile"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/profile.html", form=form), status


@bp.route("/profile/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    services.sign_out_everywhere(current_user, current_user)
    logout_user()
    session.clear()
    flash(_("All your sessions have been signed out."), "info")
    return redirect(url_for("auth.login"))
