"""The notification list (the bell), and for administrators the mails that were not sent."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from emulation.core.forms import Form
from emulation.core.permissions import admin_required
from emulation.core.web import attempt, paginate, paginate_rows
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


@bp.route("/mail/")
@admin_required
def mail():
    """Mails that failed every try, are being retried, or are stuck in the queue."""
    return render_template("notify/mail.html",
                           pagination=paginate_rows(services.mail_problems(), per_page=50),
                           text=services.text, labels=services.MAIL_STATE_LABELS,
                           form=Form(formdata=None))


@bp.route("/mail/<int:notification_id>/resend", methods=["POST"])
@admin_required
def mail_resend(notification_id: int):
    if not Form().validate_on_submit():
        abort(400)
    status = attempt(lambda: services.resend(current_user, notification_id))
    if status:
        abort(status)
    flash(_("The mail was queued again."), "success")
    return redirect(url_for("notify.mail"))
