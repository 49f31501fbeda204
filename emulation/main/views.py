"""Home page, health check and language switch."""
from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import func, select, text

from emulation.auth import services as auth_services
from emulation.core import permissions as perms
from emulation.core.web import is_safe_next
from emulation.extensions import csrf, db
from emulation.org.models import Person, Unit

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def index():
    counts = {}
    if perms.can_any(current_user, perms.VIEW_UNITS):
        counts["units"] = db.session.scalar(
            select(func.count(Unit.id)).where(perms.unit_condition(current_user, perms.VIEW_UNITS),
                                              Unit.active.is_(True)))
    if perms.can_any(current_user, perms.VIEW_PEOPLE):
        counts["people"] = db.session.scalar(
            select(func.count(Person.id)).where(
                Person.active.is_(True),
                Person.unit_id.in_(perms.covered_unit_ids(current_user, perms.VIEW_PEOPLE))))
    return render_template("main/index.html", counts=counts)


@bp.route("/healthz")
@csrf.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as err:  # noqa: BLE001 - any failure of the database is "error" here
        db.session.rollback()
        current_app.logger.error("health check: database error: %s", err)
        return jsonify({"status": "error", "database": "error"}), 503
    return jsonify({"status": "ok", "database": "ok"})


@bp.route("/api/docs")
def api_docs():
    """A browsable page of the API, built from the generated OpenAPI document."""
    return render_template("api/docs.html")


@bp.route("/language", methods=["POST"])
def set_language():
    locale = request.form.get("locale", "")
    if locale not in current_app.config["LANGUAGES"]:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    session["locale"] = locale
    if current_user.is_authenticated:
        auth_services.set_locale(current_user, locale)
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("main.index"))
