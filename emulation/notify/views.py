"""The notification list (the bell)."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from emulation.core.forms import Form
from emulation.core.web import paginate
from emulation.notify import inbox, services

bp = Blueprint("notify", __name__, url_prefix="/notifications")


@bp.route("/")
@login_required
def index():
    return render_template("notify/index.html",
                           pagination=paginate(inbox.notifications_of(current_user), 50),
                           text=services.text, form=Form(formdata=None))


@bp.route("/read", methods=["POST"])
@login_required
def mark_read():
    if not Form().validate_on_submit():
        abort(400)
    inbox.mark_all_read(current_user)
    return redirect(url_for("notify.index"))
