"""Marshmallow schemas: they validate requests and generate the OpenAPI document."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from emulation.awards.rules import APPRAISAL_ORDER, DISCIPLINE_ORDER, SCOPE_ORDER


class ProblemSchema(Schema):
    """RFC 9457 problem details, with `errors` per field for invalid input."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict()


def decimal_string(**kwargs):
    """A decimal sent as an exact string ("1.5"), and documented as one."""
    return fields.Decimal(as_string=True, metadata={"type": "string", "format": "decimal"},
                          **kwargs)


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class UnitArgs(PageArgs):
    q = fields.String(load_default="", validate=validate.Length(max=100))


class PeopleArgs(UnitArgs):
    unit = fields.Integer(load_default=None, allow_none=True,
                          validate=validate.Range(min=1, max=2**31 - 1))


class YearArgs(PageArgs):
    year = fields.Integer(load_default=None, allow_none=True,
                          validate=validate.Range(min=1900, max=2200))


class NominationArgs(YearArgs):
    status = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(
        ["draft", "submitted", "received", "returned", "forwarded", "on_agenda", "withdrawn"]))


class RecordArgs(YearArgs):
    person = fields.Integer(load_default=None, allow_none=True,
                            validate=validate.Range(min=1, max=2**31 - 1))
    unit = fields.Integer(load_default=None, allow_none=True,
                          validate=validate.Range(min=1, max=2**31 - 1))


class UnitSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    parent_id = fields.Integer(allow_none=True)
    active = fields.Boolean()


class PersonSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    full_name = fields.String()
    gender = fields.String(allow_none=True)
    birth_date = fields.Date(allow_none=True)
    position = fields.String()
    unit_id = fields.Integer()
    active = fields.Boolean()


class MovementSchema(Schema):
    number = fields.Integer()
    title = fields.String()


class CriterionSchema(Schema):
    code = fields.String()
    title = fields.String()
    max_points = decimal_string()
    weight = decimal_string()
    kind = fields.String()


class CampaignSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    title = fields.String()
    kind = fields.String()
    state = fields.String()
    year_start = fields.Integer()
    year_end = fields.Integer()
    issuing_unit_id = fields.Integer()
    movements = fields.List(fields.Nested(MovementSchema))
    criteria = fields.List(fields.Nested(CriterionSchema))


class RuleSchema(Schema):
    kind = fields.String()
    subject = fields.String()
    params = fields.Dict(attribute="params_data")
    legal_reference = fields.String()
    note = fields.String()


class AwardTypeSchema(Schema):
    code = fields.String()
    name = fields.String()
    category = fields.String()
    subject = fields.String()
    level = fields.String()
    cash_multiple = decimal_string(allow_none=True)
    legal_reference = fields.String()
    rules = fields.List(fields.Nested(RuleSchema))


class AwardRecordSchema(Schema):
    id = fields.Integer()
    award_code = fields.String()
    person_id = fields.Integer(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    year = fields.Integer()
    decision_number = fields.String()
    issuer = fields.String()
    cash_amount = fields.Integer(allow_none=True)
    revoked = fields.Boolean()


class NominationSchema(Schema):
    id = fields.Integer()
    award = fields.String(attribute="award_type.code")
    year = fields.Integer()
    person_id = fields.Integer(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    proposing_unit_id = fields.Integer()
    status = fields.String(attribute="state")
    eligible = fields.Boolean(allow_none=True)
    flagged = fields.Boolean()


class DecisionItemSchema(Schema):
    nomination_id = fields.Integer()
    award_record_id = fields.Integer(allow_none=True)
    cash_amount = fields.Integer(allow_none=True)


class DecisionSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    signed_on = fields.Date()
    signer = fields.String()
    issuing_unit_id = fields.Integer()
    status = fields.String(attribute="state")
    total_cash = fields.Integer()
    items = fields.List(fields.Nested(DecisionItemSchema))


def page_of(item_schema):
    return type(f"{item_schema.__name__.removesuffix('Schema')}Page", (Schema,), {
        "items": fields.List(fields.Nested(item_schema)), "total": fields.Integer(),
        "page": fields.Integer(), "per_page": fields.Integer()})


class AwardRef(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    year = fields.Integer(required=True, validate=validate.Range(min=1900, max=2200))


class InitiativeIn(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=1900, max=2200))
    scope = fields.String(required=True, validate=validate.OneOf(SCOPE_ORDER))
    research = fields.Boolean(load_default=False)


class DisciplineIn(Schema):
    level = fields.String(required=True, validate=validate.OneOf(DISCIPLINE_ORDER))
    start = fields.Date(required=True, data_key="from")
    end = fields.Date(required=True, data_key="to")


class MembersIn(Schema):
    total = fields.Integer(required=True, validate=validate.Range(min=0, max=10_000_000))
    ldtt = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000))
    cstdcs = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000))
    completed_tasks = fields.Integer(load_default=None, allow_none=True,
                                     validate=validate.Range(min=0, max=10_000_000))
    disciplined = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000))


class SubjectIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["individual", "collective"]))
    appraisals = fields.Dict(keys=fields.String(validate=validate.Regexp(r"^\d{4}$")),
                             values=fields.String(validate=validate.OneOf(APPRAISAL_ORDER)),
                             load_default=dict)
    awards = fields.List(fields.Nested(AwardRef), load_default=list,
                         validate=validate.Length(max=1000))
    initiatives = fields.List(fields.Nested(InitiativeIn), load_default=list,
                              validate=validate.Length(max=1000))
    disciplines = fields.List(fields.Nested(DisciplineIn), load_default=list,
                              validate=validate.Length(max=1000))
    members = fields.Nested(MembersIn, load_default=None, allow_none=True)
    rank = fields.Integer(load_default=None, allow_none=True,
                          validate=validate.Range(min=1, max=100000))


class EligibilityIn(Schema):
    award = fields.String(required=True, validate=validate.Length(min=1, max=20))
    year = fields.Integer(required=True, validate=validate.Range(min=1900, max=2200))
    subject = fields.Nested(SubjectIn, required=True)


class RuleResultOut(Schema):
    code = fields.String()
    passed = fields.Boolean(allow_none=True)
    message = fields.String()
    legal_reference = fields.String()


class EligibilityOut(Schema):
    eligible = fields.Boolean(allow_none=True)
    rules = fields.List(fields.Nested(RuleResultOut))
