"""The pickers' searches: GET, JSON, at most `queries.LIMIT` matches, only what the user may
see. A bad parameter answers 400, a unit or campaign out of reach 404, a role without the
kind of data at all 403."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

from emulation.auth.models import ROLES
from emulation.core import permissions as perms
from emulation.core.errors import NotFound
from emulation.org import services as org
from emulation.pick import queries

bp = Blueprint("pick", __name__, url_prefix="/pick")


@bp.route("/people")
@login_required
def people():
    if not perms.can_any(current_user, perms.VIEW_PEOPLE):
        abort(403)
    unit = None
    if "unit" in request.args:
        try:
            unit = org.get_unit_for(current_user, _id_arg("unit"), perms.VIEW_PEOPLE)
        except NotFound:
            abort(404)
    return _answer(queries.people(current_user, _query(), unit))


@bp.route("/units")
@login_required
def units():
    if not perms.can_any(current_user, perms.VIEW_UNITS):
        abort(403)
    campaign = None
    if "campaign" in request.args:
        campaign = queries.managed_campaign(current_user, _id_arg("campaign"))
        if campaign is None:
            abort(404)
    return _answer(queries.units(current_user, _query(), campaign))


@bp.route("/users")
@login_required
def users():
    if not perms.can_any(current_user, perms.MANAGE_UNITS):
        abort(403)
    role = request.args.get("role", "")
    if role and role not in ROLES:
        abort(400)
    return _answer(queries.users(current_user, _query(), role or None))


def _query() -> str:
    q = request.args.get("q", "")
    if len(q) > queries.QUERY_MAX:
        abort(400)
    return q


def _id_arg(name: str) -> int:
    value = request.args.get(name, "")
    if not (value.isascii() and value.isdigit() and 0 < len(value) <= 10
            and 0 < int(value) <= 2**31 - 1):
        abort(400)
    return int(value)


def _answer(choices):
    response = jsonify({"results": [c.as_json() for c in choices]})
    response.headers["Cache-Control"] = "no-store"
    return response
