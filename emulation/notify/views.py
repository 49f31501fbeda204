"""The notification list (the bell)."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select, update

from emulation.core.forms import Form
from emulation.core.models import utcnow
from emulation.core.web import page_arg
from emulation.extensions import db
from emulation.notify import services
from emulation.notify.models import Notification

bp = Blueprint("notify", __name__, url_prefix="/notifications")


@bp.route("/")
@login_required
def index():
    pagination = db.paginate(select(Notification).where(
        Notification.user_id == current_user.id).order_by(Notification.id.desc()),
        page=page_arg(), per_page=50, error_out=False)
    return render_template("notify/index.html", pagination=pagination, text=services.text,
                           form=Form(formdata=None))


@bp.route("/read", methods=["POST"])
@login_required
def mark_read():
    if not Form().validate_on_submit():
        abort(400)
    db.session.execute(update(Notification).where(Notification.user_id == current_user.id,
                                                  Notification.read_at.is_(None))
                       .values(read_at=utcnow()))
    db.session.commit()
    return redirect(url_for("notify.index"))
