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

from emulation.auth import services as auth_services
from emulation.core import permissions as perms
from emulation.core.web import is_safe_next, local_today
from emulation.extensions import csrf
from emulation.main import services as home
from emulation.main.services import database_reachable
from emulation.org import services as org

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def index():
    counts = {}
    if perms.can_any(current_user, perms.VIEW_UNITS):
        counts["units"] = org.active_unit_count(current_user)
    if perms.can_any(current_user, perms.VIEW_PEOPLE):
        counts["people"] = org.active_people_count(current_user)
    today = local_today()
    return render_template("main/index.html", counts=counts, today=today,
                           roles=home.tasks_for(current_user, today))


@bp.route("/healthz")
@csrf.exempt
def healthz():
    error = database_reachable()
    if error is not None:
        current_app.logger.error("health check: database error: %s", error)
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
