"""API v1 resources. Every request carries `Authorization: Bearer <token>`; the token acts with
its owner's grants and nothing more. Errors are `application/problem+json` (RFC 9457)."""
from __future__ import annotations

import http

from flask import abort, g, request
from flask.views import MethodView
from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response
from marshmallow import fields, validate
from sqlalchemy import func, select

from emulation.api import schemas as s
from emulation.api.services import records_from_subject, user_for
from emulation.awards import rules as engine
from emulation.awards import services as awards
from emulation.awards.decisions import decisions_query
from emulation.awards.models import AwardType
from emulation.awards.nominations import nominations_query
from emulation.campaigns import services as campaigns
from emulation.core import permissions as perms
from emulation.extensions import db
from emulation.org import services as org


class ThiDuaApi(Api):
    """flask-smorest without its own error handlers: the app's handlers answer problem+json
    for every /api/ path, so HTML pages keep theirs. Error responses are documented as
    `application/problem+json` with the problem schema."""

    ERROR_SCHEMA = s.ProblemSchema

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Problem details (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


PROBLEM = "application/problem+json"


api = ThiDuaApi()
bp = Blueprint("api", __name__, url_prefix="/api/v1",
               description="Thi đua API v1 (Bearer token required).")


@bp.before_request
def authenticate():
    header = request.headers.get("Authorization", "")
    user = user_for(header[7:].strip()) if header.startswith("Bearer ") else None
    if user is None:
        abort(401)
    g.api_user = user


def _paged(stmt, args):
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.scalars(stmt.limit(args["per_page"])
                               .offset((args["page"] - 1) * args["per_page"])).all()
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}


@bp.route("/units")
class Units(MethodView):
    @bp.arguments(s.UnitArgs, location="query")
    @bp.response(200, s.page_of(s.UnitSchema))
    def get(self, args):
        """Units the token's owner may see."""
        return _paged(org.units_query(g.api_user, args["q"]), args)


@bp.route("/units/<int:unit_id>")
class UnitItem(MethodView):
    @bp.response(200, s.UnitSchema)
    def get(self, unit_id):
        return org.get_unit_for(g.api_user, unit_id)


@bp.route("/people")
class People(MethodView):
    @bp.arguments(s.PeopleArgs, location="query")
    @bp.response(200, s.page_of(s.PersonSchema))
    def get(self, args):
        """People of the units the token's owner may see."""
        if not perms.can_any(g.api_user, perms.VIEW_PEOPLE):
            abort(403)
        unit = (org.get_unit_for(g.api_user, args["unit"], perms.VIEW_PEOPLE)
                if args["unit"] else None)
        return _paged(org.people_query(g.api_user, args["q"], unit), args)


@bp.route("/people/<int:person_id>")
class PersonItem(MethodView):
    @bp.response(200, s.PersonSchema)
    def get(self, person_id):
        return org.get_person_for(g.api_user, person_id)


@bp.route("/campaigns")
class Campaigns(MethodView):
    @bp.arguments(s.YearArgs, location="query")
    @bp.response(200, s.page_of(s.CampaignSchema))
    def get(self, args):
        return _paged(campaigns.campaigns_query(g.api_user, None, args["year"]), args)


@bp.route("/campaigns/<int:campaign_id>")
class CampaignItem(MethodView):
    @bp.response(200, s.CampaignSchema)
    def get(self, campaign_id):
        return campaigns.get_campaign_for(g.api_user, campaign_id)


@bp.route("/award-types")
class AwardTypes(MethodView):
    @bp.response(200, s.AwardTypeSchema(many=True))
    def get(self):
        """The award catalogue with its rules as data."""
        return db.session.scalars(select(AwardType).where(AwardType.active.is_(True))
                                  .order_by(AwardType.id)).all()


@bp.route("/award-records")
class AwardRecords(MethodView):
    @bp.arguments(s.RecordArgs, location="query")
    @bp.response(200, s.page_of(s.AwardRecordSchema))
    def get(self, args):
        """Granted and imported awards of the people and units the owner may see."""
        return _paged(awards.award_records_query(g.api_user, args["year"], args["person"],
                                                 args["unit"]), args)


@bp.route("/nominations")
class Nominations(MethodView):
    @bp.arguments(s.NominationArgs, location="query")
    @bp.response(200, s.page_of(s.NominationSchema))
    def get(self, args):
        return _paged(nominations_query(g.api_user, args["status"], args["year"]), args)


@bp.route("/decisions")
class Decisions(MethodView):
    @bp.arguments(s.YearArgs, location="query")
    @bp.response(200, s.page_of(s.DecisionSchema))
    def get(self, args):
        return _paged(decisions_query(g.api_user, args["year"]), args)


@bp.route("/eligibility")
class Eligibility(MethodView):
    @bp.arguments(s.EligibilityIn)
    @bp.response(200, s.EligibilityOut)
    def post(self, body):
        """Check one subject against one award type; nothing is stored."""
        award = awards.award_by_code(body["award"])
        records = records_from_subject(body["subject"])
        verdict = engine.check(awards.engine_rules(award), records, body["year"],
                               awards.names())
        locale = request.accept_languages.best_match(["vi", "en"]) or "vi"
        return {"eligible": verdict.eligible,
                "rules": [{"code": r.kind, "passed": r.passed, "message": r.message(locale),
                           "legal_reference": r.legal_reference} for r in verdict.rules]}


def _dict_key_pattern(converter, field, **kwargs) -> dict:
    """Document a Dict's key pattern (apispec leaves key validators out)."""
    if isinstance(field, fields.Dict) and field.key_field is not None:
        for rule in field.key_field.validators:
            if isinstance(rule, validate.Regexp):
                return {"propertyNames": {"pattern": rule.regex.pattern}}
    return {}


def init_api(app) -> None:
    app.config.update({
        "API_TITLE": "Thi đua API", "API_VERSION": "v1", "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api/v1", "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": {"security": [{"bearer": []}],
                             "components": {"securitySchemes": {"bearer": {
                                 "type": "http", "scheme": "bearer"}}}},
    })
    api.init_app(app)
    api.ma_plugin.converter.add_attribute_function(_dict_key_pattern)
    api.register_blueprint(bp)
    from emulation.extensions import csrf

    csrf.exempt(bp)
