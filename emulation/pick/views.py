"""The pickers' searches: GET, JSON, at most `queries.LIMIT` matches, only what the user may
see. A bad parameter answers 400, a unit or campaign out of reach 404, a role without the
kind of data at all 403."""
from __future__ import annotations

import json

from flask import Blueprint, abort, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from emulation.auth.models import ROLES
from emulation.core import permissions as perms
from emulation.core.errors import NotFound
from emulation.org import services as org
from emulation.pick import queries

bp = Blueprint("pick", __name__, url_prefix="/pick")


@bp.app_template_global()
def pick_attrs(kind: str, value, url: str | None = None, multiple: bool = False,
               key: str = "code", label: str = "") -> dict:
    """The attributes that make a plain field a searchable picker (static/js/pickers.js):
    the search's address, the names of the codes the field holds, the widget's words. `kind`
    is people, units or users; `key` the field's value: a match's code or id."""
    if not value:
        codes = []
    elif multiple:
        codes = queries.split_codes(value)
    else:
        codes = [str(value).strip()]
    attrs = {
        "data-pick": url or url_for(f"pick.{kind}"),
        "data-pick-labels": json.dumps(queries.labels(current_user, kind, codes),
                                       ensure_ascii=False),
        "data-pick-key": key,
        "data-pick-texts": json.dumps({
            "hint": _("Type part of a name or a code, without accents if you like."),
            "none": _("No match you may choose."),
            "error": _("The search did not answer; type the code instead."),
            "remove": _("Remove"), "chosen": _("Chosen:")}, ensure_ascii=False),
        "autocomplete": "off",
    }
    if multiple:
        attrs["data-pick-multiple"] = "1"
    if label:  # a checklist's search box has no label of its own
        attrs["data-pick-label"] = label
    return attrs


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
