"""API v1 resources. Every request carries `Authorization: Bearer <token>`; the token acts with
its owner's grants and nothing more. Errors are `application/problem+json` (RFC 9457)."""
from __future__ import annotations

import http
import json

from flask import abort, g, request
from flask.views import MethodView
from flask_smorest import Api, Blueprint
from marshmallow import fields, validate
from sqlalchemy.orm import selectinload
from webargs.flaskparser import FlaskParser
from webargs.flaskparser import abort as refuse

from emulation.api import schemas as s
from emulation.api.services import (
    active_award_types,
    link_header,
    page_of,
    period_of,
    pledge_entries,
    pledge_for,
    records_from_subject,
    report_entries,
    report_for,
    user_for,
)
from emulation.awards.catalogue import services as catalogue
from emulation.awards.decisions import services as decisions
from emulation.awards.decisions import superior
from emulation.awards.decisions.services import decisions_query
from emulation.awards.eligibility import services as eligibility
from emulation.awards.nominations import services as nominations
from emulation.awards.nominations.models import Nomination
from emulation.awards.nominations.services import nominations_query
from emulation.awards.records import services as award_records
from emulation.campaigns import services as campaigns
from emulation.core import permissions as perms
from emulation.core.text import has_unstorable
from emulation.core.web import count_failure, local_today, refuse_repeated_failures
from emulation.org import services as org
from emulation.pledges import reports as pledge_reports
from emulation.pledges import services as pledges
from emulation.scoring import services as scoring


class ThiDuaApi(Api):
    """flask-smorest documenting its error responses with the problem schema (`ERROR_SCHEMA`
    is its documented hook); see `_document_problems` for their content type."""

    ERROR_SCHEMA = s.ProblemSchema


PROBLEM = "application/problem+json"


class ApiParser(FlaskParser):
    """webargs' parser, refusing with a 4xx what it would let through as a server error: JSON
    nested too deep (RecursionError) or with a number of more than 4,300 digits (Python's
    limit, a ValueError) is invalid JSON (400); a text anywhere in the request with a character
    no field keeps (NUL, U+FFFF, a lone surrogate…) is invalid data (422)."""

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except json.JSONDecodeError:
            raise
        except (RecursionError, ValueError) as err:
            self._handle_invalid_json_error(json.JSONDecodeError(type(err).__name__, "-", 0),
                                            req)

    def _load_location_data(self, *, schema, req, location):
        data = super()._load_location_data(schema=schema, req=req, location=location)
        raw = {"json": lambda: data, "query": lambda: req.args.to_dict(flat=False),
               "querystring": lambda: req.args.to_dict(flat=False),
               "form": lambda: req.form.to_dict(flat=False)}.get(location, lambda: None)()
        bad = sorted(_unstorable_paths(raw))
        if bad:
            message = "Contains a control character or an invalid character."
            refuse(422, messages={location: {path: [message] for path in bad[:20]}})
        return data


def _unstorable_paths(value, path: str = ""):
    """The paths (`items.0.commitment`) of every text, key included, that `has_unstorable`."""
    if isinstance(value, str):
        if has_unstorable(value):
            yield path or "_"
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if has_unstorable(key):
                yield inner
            yield from _unstorable_paths(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unstorable_paths(item, f"{path}.{index}" if path else str(index))


class ThiDuaBlueprint(Blueprint):
    ARGUMENTS_PARSER = ApiParser()


api = ThiDuaApi()
bp = ThiDuaBlueprint("api", __name__, url_prefix="/api/v1",
                     description="Thi đua API v1 (Bearer token required).")


@bp.before_request
def authenticate():
    """The bearer token's owner, or 401; a client IP that keeps sending missing or bad
    tokens gets 429 for a while (API_BAD_TOKEN_LIMIT) before any token is looked up."""
    refuse_repeated_failures("api-token")
    header = request.headers.get("Authorization", "")
    user = user_for(header[7:].strip()) if header.startswith("Bearer ") else None
    if user is None:
        count_failure("api-token")
        abort(401)
    g.api_user = user


LIST_HEADERS = {"Link": {"description": "The next and previous pages (RFC 8288: "
                                        "`rel=\"next\"`, `rel=\"prev\"`), when there are.",
                         "schema": {"type": "string"}}}


def _paged(stmt, args):
    """A list operation's answer: its envelope (`page_of`) and its `Link` header."""
    envelope = page_of(stmt, args)
    return envelope, link_header(envelope)


@bp.route("/units")
class Units(MethodView):
    @bp.arguments(s.UnitArgs, location="query")
    @bp.response(200, s.page_of(s.UnitSchema), headers=LIST_HEADERS)
    @bp.alt_response(400, response="BAD_REQUEST")
    def get(self, args):
        """Units the token's owner may see."""
        return _paged(org.units_query(g.api_user, args["q"]), args)

    @bp.arguments(s.UnitIn)
    @bp.response(201, s.UnitSchema)
    def post(self, body):
        """Create a unit under `parent_id` (organisers of the parent; a top-level unit only by
        an administrator)."""
        parent = (org.get_unit_for(g.api_user, body["parent_id"])
                  if body["parent_id"] is not None else None)
        return org.create_unit(g.api_user, code=body["code"], name=body["name"], parent=parent,
                               kind=body["kind"], address=body["address"])


@bp.route("/units/<int:unit_id>")
class UnitItem(MethodView):
    @bp.response(200, s.UnitSchema)
    def get(self, unit_id):
        return org.get_unit_for(g.api_user, unit_id)

    @bp.arguments(s.UnitPatch)
    @bp.response(200, s.UnitSchema)
    def patch(self, body, unit_id):
        """Rename a unit or change its kind or address (organisers of the unit)."""
        unit = org.get_unit_for(g.api_user, unit_id)
        return org.update_unit(g.api_user, unit, version=body["version"],
                               name=body.get("name", unit.name),
                               kind=body.get("kind", unit.kind),
                               address=body.get("address", unit.address))


@bp.route("/people")
class People(MethodView):
    @bp.arguments(s.PeopleArgs, location="query")
    @bp.response(200, s.page_of(s.PersonSchema), headers=LIST_HEADERS)
    @bp.alt_response(400, response="BAD_REQUEST")
    def get(self, args):
        """People of the units the token's owner may see."""
        if not perms.can_any(g.api_user, perms.VIEW_PEOPLE):
            abort(403)
        unit = (org.get_unit_for(g.api_user, args["unit"], perms.VIEW_PEOPLE)
                if args["unit"] else None)
        return _paged(org.people_query(g.api_user, args["q"], unit), args)

    @bp.arguments(s.PersonIn)
    @bp.response(201, s.PersonSchema)
    def post(self, body):
        """Add a person to a unit (the unit's organisers and officers)."""
        unit = org.get_unit_for(g.api_user, body.pop("unit_id"), perms.VIEW_PEOPLE)
        return org.create_person(g.api_user, unit=unit, **body)


@bp.route("/people/<int:person_id>")
class PersonItem(MethodView):
    @bp.response(200, s.PersonSchema)
    def get(self, person_id):
        return org.get_person_for(g.api_user, person_id)

    @bp.arguments(s.PersonPatch)
    @bp.response(200, s.PersonSchema)
    def patch(self, body, person_id):
        """Change a person's details or move them to another unit you manage."""
        person = org.get_person_for(g.api_user, person_id)
        unit = (org.get_unit_for(g.api_user, body["unit_id"], perms.VIEW_PEOPLE)
                if "unit_id" in body else person.unit)
        current = {k: getattr(person, k) for k in ("full_name", "gender", "birth_date",
                                                    "position", "email")}
        birth_year = body.get("birth_year", None if "birth_date" in body else person.birth_year)
        return org.update_person(g.api_user, person, version=body["version"], unit=unit,
                                 birth_year=birth_year,
                                 **{k: body.get(k, v) for k, v in current.items()})


@bp.route("/campaigns")
class Campaigns(MethodView):
    @bp.arguments(s.CampaignArgs, location="query")
    @bp.response(200, s.page_of(s.CampaignSchema), headers=LIST_HEADERS)
    @bp.alt_response(400, response="BAD_REQUEST")
    def get(self, args):
        return _paged(campaigns.campaigns_query(g.api_user, args["status"], args["year"],
                                                args["unit"]), args)


@bp.route("/campaigns/<int:campaign_id>")
class CampaignItem(MethodView):
    @bp.response(200, s.CampaignSchema)
    def get(self, campaign_id):
        return campaigns.get_campaign_for(g.api_user, campaign_id)


@bp.route("/campaigns/<int:campaign_id>/ranking")
class Ranking(MethodView):
    @bp.arguments(s.RankingArgs, location="query")
    @bp.response(200, s.RankingSchema)
    def get(self, args, campaign_id):
        """The ranking per cluster: live for organisers and council scorers; for units only
        once frozen and published to them (403 before). `cluster` asks for one cluster:
        a union-wide campaign's whole live ranking takes about half a second."""
        campaign = campaigns.get_campaign_for(g.api_user, campaign_id)
        if not scoring.can_see_ranking(g.api_user, campaign):
            abort(403)
        clusters, frozen = scoring.ranking_view(campaign, args["cluster"])
        return {"campaign_id": campaign.id, "frozen": frozen, "clusters": clusters}


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/pledge")
class PledgeItem(MethodView):
    @bp.response(200, s.PledgeSchema)
    def get(self, campaign_id, unit_id):
        """A unit's pledge (its officers and the campaign's organisers); 404 before the first
        save."""
        campaign, unit = pledges.campaign_unit_for(g.api_user, campaign_id, unit_id)
        return pledge_for(campaign, unit)

    @bp.arguments(s.PledgeIn)
    @bp.response(200, s.PledgeSchema)
    def put(self, body, campaign_id, unit_id):
        """Save the pledge's draft (the unit's officers, while the campaign is published and
        the pledge is a draft or returned)."""
        campaign, unit = pledges.campaign_unit_for(g.api_user, campaign_id, unit_id)
        entries = pledge_entries(campaign, body["items"])
        return pledges.save_pledge(g.api_user, campaign, unit, body["version"], entries, "en")


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/pledge/submit")
class PledgeSubmit(MethodView):
    @bp.arguments(s.VersionIn)
    @bp.response(200, s.PledgeSchema)
    def post(self, body, campaign_id, unit_id):
        """Submit the pledge to the organiser (the unit's officers)."""
        campaign, unit = pledges.campaign_unit_for(g.api_user, campaign_id, unit_id)
        pledge = pledge_for(campaign, unit)
        pledges.submit(g.api_user, pledge, body["version"], local_today())
        return pledge


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/reports")
class Reports(MethodView):
    @bp.response(200, s.ReportSchema(many=True))
    def get(self, campaign_id, unit_id):
        """The unit's result reports, one per report period started."""
        campaign, unit = pledges.campaign_unit_for(g.api_user, campaign_id, unit_id)
        return pledge_reports.reports_of(campaign, unit)


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/reports/<int:period_id>")
class ReportItem(MethodView):
    @bp.response(200, s.ReportSchema)
    def get(self, campaign_id, unit_id, period_id):
        campaign, unit = pledges.campaign_unit_for(g.api_user, campaign_id, unit_id)
        return report_for(unit, period_of(campaign, period_id, unit))

    @bp.arguments(s.ReportIn)
    @bp.response(200, s.ReportSchema)
    def put(self, body, campaign_id, unit_id, period_id):
        """Save the period's report draft (the unit's officers, once the pledge is approved)."""
        campaign, unit = pledges.campaign_unit_for(g.api_user, campaign_id, unit_id)
        period = period_of(campaign, period_id, unit)
        entries = report_entries(pledges.pledge_of(campaign, unit), body.pop("items"))
        version = body.pop("version")
        return pledge_reports.save_report(g.api_user, campaign, unit, period, version, body,
                                          entries, "en")


@bp.route("/campaigns/<int:campaign_id>/units/<int:unit_id>/reports/<int:period_id>/submit")
class ReportSubmit(MethodView):
    @bp.arguments(s.VersionIn)
    @bp.response(200, s.ReportSchema)
    def post(self, body, campaign_id, unit_id, period_id):
        """Submit the period's report (the unit's officers); it is read-only afterwards."""
        campaign, unit = pledges.campaign_unit_for(g.api_user, campaign_id, unit_id)
        report = report_for(unit, period_of(campaign, period_id, unit))
        pledge_reports.submit_report(g.api_user, report, body["version"], local_today())
        return report


@bp.route("/award-types")
class AwardTypes(MethodView):
    @bp.response(200, s.AwardTypeSchema(many=True))
    def get(self):
        """The award catalogue with its rules as data."""
        return active_award_types()

    @bp.arguments(s.AwardTypeIn)
    @bp.response(201, s.AwardTypeSchema)
    def post(self, body):
        """Add an award type (administrators; 403 otherwise). A code already used is 409;
        rules are added on the web (`/awards/<code>`)."""
        code = body.pop("code")
        return catalogue.create_award(g.api_user, code=code, fields=body)


@bp.route("/award-types/<code>")
class AwardTypeItem(MethodView):
    @bp.response(200, s.AwardTypeSchema)
    def get(self, code):
        """One award type, in use or not."""
        return catalogue.award_by_code(code)


@bp.route("/award-types/<code>/active")
class AwardTypeActive(MethodView):
    @bp.arguments(s.AwardActiveIn)
    @bp.response(200, s.AwardTypeSchema)
    def post(self, body, code):
        """Take an award type out of use (`active`: false) or back in (administrators); its
        nominations and award records stay."""
        award = catalogue.award_by_code(code)
        version = award.version if body["version"] is None else body["version"]
        return catalogue.set_award_active(g.api_user, award, version=version,
                                          active=body["active"])


@bp.route("/award-records")
class AwardRecords(MethodView):
    @bp.arguments(s.RecordArgs, location="query")
    @bp.response(200, s.page_of(s.AwardRecordSchema), headers=LIST_HEADERS)
    @bp.alt_response(400, response="BAD_REQUEST")
    def get(self, args):
        """Granted and imported awards of the people and units the owner may see."""
        return _paged(award_records.award_records_query(g.api_user, args["year"], args["person"],
                                                 args["unit"]), args)


@bp.route("/nominations")
class Nominations(MethodView):
    @bp.arguments(s.NominationArgs, location="query")
    @bp.response(200, s.page_of(s.NominationSchema), headers=LIST_HEADERS)
    @bp.alt_response(400, response="BAD_REQUEST")
    def get(self, args):
        return _paged(nominations_query(g.api_user, args["status"], args["year"],
                                        args["unit"])
                      .options(selectinload(Nomination.upward)), args)

    @bp.arguments(s.NominationIn)
    @bp.response(201, s.NominationSchema)
    def post(self, body):
        """Create a draft nomination (officers of the proposing unit, for its own people and
        units)."""
        user = g.api_user
        proposing = org.get_unit_for(user, body["proposing_unit_id"])
        person = (org.get_person_for(user, body["person_id"])
                  if body["person_id"] is not None else None)
        unit = org.get_unit_for(user, body["unit_id"]) if body["unit_id"] is not None else None
        if body["campaign_id"] is not None:
            campaigns.get_campaign_for(user, body["campaign_id"])
        return nominations.create(
            user, award=catalogue.award_by_code(body["award"]), year=body["year"],
            proposing_unit=proposing, person=person, unit=unit,
            campaign_id=body["campaign_id"],
            texts={k: body[k] for k in nominations.TEXT_FIELDS}, kind=body["kind"])


@bp.route("/nominations/<int:nomination_id>")
class NominationItem(MethodView):
    @bp.response(200, s.NominationSchema)
    def get(self, nomination_id):
        return nominations.get_for(g.api_user, nomination_id)


@bp.route("/nominations/<int:nomination_id>/submit")
class NominationSubmit(MethodView):
    @bp.arguments(s.NominationSubmitIn)
    @bp.response(200, s.NominationSchema)
    def post(self, body, nomination_id):
        """Submit the dossier to its level. Eligibility is checked and stored; an ineligible
        subject needs an `explanation` and is flagged for the council."""
        n = nominations.get_for(g.api_user, nomination_id)
        nominations.submit(g.api_user, n, body["version"], body["explanation"])
        return n


@bp.route("/nominations/<int:nomination_id>/superior-submission")
class NominationSuperiorSubmission(MethodView):
    @bp.arguments(s.SuperiorSubmissionIn)
    @bp.response(200, s.NominationSchema)
    def post(self, body, nomination_id):
        """Record that a dossier the council passed was sent to the level that decides its
        award (organisers of the dossier's level, for an award that level does not
        decide)."""
        n = nominations.get_for(g.api_user, nomination_id)
        superior.submit_to_superior(g.api_user, n, body["version"],
                                    submitted_on=body["submitted_on"],
                                    document_number=body["document_number"],
                                    today=local_today())
        return n


@bp.route("/nominations/<int:nomination_id>/superior-decision")
class NominationSuperiorDecision(MethodView):
    @bp.arguments(s.SuperiorDecisionIn)
    @bp.response(200, s.NominationSchema)
    def post(self, body, nomination_id):
        """Record the superior's decision granting the award: the award record is made
        (source `superior`) and counts in the history and for later awards."""
        n = nominations.get_for(g.api_user, nomination_id)
        superior.record_superior_decision(
            g.api_user, n, body["version"], decision_number=body["decision_number"],
            decided_on=body["decided_on"], deciding_body=body["deciding_body"],
            cash_amount=body["cash_amount"], today=local_today())
        return n


@bp.route("/nominations/<int:nomination_id>/superior-refusal")
class NominationSuperiorRefusal(MethodView):
    @bp.arguments(s.SuperiorRefusalIn)
    @bp.response(200, s.NominationSchema)
    def post(self, body, nomination_id):
        """Record that the superior did not grant the award, with its reason."""
        n = nominations.get_for(g.api_user, nomination_id)
        superior.record_superior_refusal(g.api_user, n, body["version"],
                                         decided_on=body["decided_on"],
                                         reason=body["reason"], today=local_today())
        return n


@bp.route("/decisions")
class Decisions(MethodView):
    @bp.arguments(s.DecisionArgs, location="query")
    @bp.response(200, s.page_of(s.DecisionSchema), headers=LIST_HEADERS)
    @bp.alt_response(400, response="BAD_REQUEST")
    def get(self, args):
        return _paged(decisions_query(g.api_user, args["year"], args["status"]), args)

    @bp.arguments(s.DecisionIn)
    @bp.response(201, s.DecisionSchema)
    def post(self, body):
        """Draft a decision of `unit_id` (its organisers) over nominations that can be
        granted; one whose award the unit does not decide is refused (403) with the level
        that decides it, nothing written."""
        unit = org.get_unit_for(g.api_user, body["unit_id"])
        return decisions.create_decision_for(
            g.api_user, unit.code, set(body["nominations"]), number=body["number"],
            signed_on=body["signed_on"], signer=body["signer"], today=local_today())


@bp.route("/decisions/<int:decision_id>/issue")
class DecisionIssue(MethodView):
    @bp.arguments(s.VersionIn)
    @bp.response(200, s.DecisionSchema)
    def post(self, body, decision_id):
        """Issue a draft decision: award records are made and cash computed from the base
        salary in force on its date; nothing can change afterwards."""
        decision = decisions.get_decision_for(g.api_user, decision_id)
        decisions.issue(g.api_user, decision, body["version"], local_today())
        return decision


@bp.route("/eligibility")
class Eligibility(MethodView):
    @bp.arguments(s.EligibilityIn)
    @bp.response(200, s.EligibilityOut)
    def post(self, body):
        """Check one subject against one award type; nothing is stored."""
        award = catalogue.award_by_code(body["award"])
        records = records_from_subject(body["subject"])
        verdict = eligibility.judge(award, records, body["year"],
                                    commendation=body["commendation"])
        locale = request.accept_languages.best_match(["vi", "en"]) or "vi"
        rule_set = verdict.rule_set
        return {"eligible": verdict.eligible,
                "rule_set": {"code": rule_set.code, "name": rule_set.name,
                             "legal_source": rule_set.legal_source,
                             "valid_from": rule_set.valid_from,
                             "valid_to": rule_set.valid_to} if rule_set else None,
                "rules": [{"code": r.kind, "passed": r.passed, "message": r.message(locale),
                           "legal_reference": r.legal_reference} for r in verdict.rules]}


def _dict_key_pattern(converter, field, **kwargs) -> dict:
    """Document a Dict's key pattern (apispec leaves key validators out)."""
    if isinstance(field, fields.Dict) and field.key_field is not None:
        for rule in field.key_field.validators:
            if isinstance(rule, validate.Regexp):
                return {"propertyNames": {"pattern": rule.regex.pattern}}
    return {}


def _document_problems(spec) -> None:
    """The error responses flask-smorest registers (one per status and DEFAULT_ERROR, lazily:
    in the document once an operation refers to them) are `application/problem+json`, as the
    app's handlers answer every /api/ error — flask-smorest's own handler never answers: the
    app registers its `HTTPException` handler after `init_api` and so replaces it."""
    names = {status.name for status in http.HTTPStatus} | {"DEFAULT_ERROR"}
    for name, response in spec.components.responses_lazy.items():
        content = response.get("content")
        if name in names and content:
            response["content"] = {PROBLEM: content.pop("application/json")}
    spec.components.responses_lazy["DEFAULT_ERROR"]["description"] = "Problem details (RFC 9457)"


def init_api(app) -> None:
    app.config.update({
        "API_TITLE": "Thi đua API", "API_VERSION": "v1", "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api/v1", "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": {"security": [{"bearer": []}],
                             "components": {"securitySchemes": {"bearer": {
                                 "type": "http", "scheme": "bearer"}}}},
    })
    import emulation.api.imports
    import emulation.api.refdata  # noqa: F401  (their routes join `bp`)

    api.init_app(app)
    _document_problems(api.spec)
    api.ma_plugin.converter.add_attribute_function(_dict_key_pattern)
    api.register_blueprint(bp)
    from emulation.extensions import csrf

    csrf.exempt(bp)
