"""Marshmallow schemas: they validate requests and generate the OpenAPI document."""
from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from emulation.awards.catalogue.enums import DecidingLevel
from emulation.awards.decisions.enums import UpwardOutcome
from emulation.awards.nominations.models import NOMINATION_STATES
from emulation.awards.records.enums import (
    AppraisalLevel,
    CommendationKind,
    DisciplineLevel,
    InitiativeScope,
)
from emulation.campaigns.models import CAMPAIGN_STATES
from emulation.core.forms import DATE_MAX, DATE_MIN
from emulation.core.keyset import COUNT_CAP, MAX_CURSOR_LENGTH
from emulation.org.models import GENDERS, UNIT_KINDS

ROW_ID = validate.Range(min=1, max=2**31 - 1)
# Dates a person types: a year 1 or 9999 is a typing error (and overflows date arithmetic).
DATE_RANGE = validate.Range(min=DATE_MIN, max=DATE_MAX)


def row_id(**kwargs):
    """A database id: 1 … 2³¹−1."""
    return fields.Integer(validate=ROW_ID, **kwargs)


def a_date(**kwargs):
    """A date between DATE_MIN and DATE_MAX (1900–2100)."""
    return fields.Date(validate=DATE_RANGE, **kwargs)


def text(limit: int, **kwargs):
    return fields.String(validate=validate.Length(max=limit), **kwargs)


# At least one character that is neither white space nor a control character (what the
# services keep). The class is spelled out because Python's and ECMAScript's `\s` differ.
_BLANK = "\\x00-\\x20\\x7f-\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
NOT_BLANK = validate.Regexp(f"^[{_BLANK}]*[^{_BLANK}]",
                            error="Must not be blank.")


def nonblank(limit: int, **kwargs):
    """A code or a name: not blank, at most `limit` characters."""
    return fields.String(validate=[validate.Length(min=1, max=limit), NOT_BLANK], **kwargs)


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


# A non-negative decimal sent as a string with a point: "1500", "12.5", with no more decimal
# places than its column holds (amounts two, percentages one): never silently rounded.
AMOUNT = r"^[0-9]{1,15}(\.[0-9]{1,2})?$"
PERCENT = r"^(100(\.0)?|[0-9]{1,2}(\.[0-9])?)$"


def decimal_in(pattern: str, **kwargs):
    return fields.String(validate=validate.Regexp(pattern), metadata={"format": "decimal"},
                         load_default=None, allow_none=True, **kwargs)


class PageArgs(Schema):
    """A list's position: `cursor` (the `next` / `previous` of a page read before, opaque and
    signed; read by key, every page as fast as the first) or `page` (a page number, read by
    skipping rows: kept for older clients, slow deep in a large list)."""

    cursor = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=MAX_CURSOR_LENGTH),
        metadata={"description": "Opaque position from a page's `next_cursor` or "
                                 "`previous_cursor` (400 when it is not one of this list's)."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000),
                          metadata={"description": "Page number, without `cursor` "
                                                   "(deprecated: follow `next` instead)."})
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
    status = fields.String(load_default=None, allow_none=True,
                           validate=validate.OneOf(NOMINATION_STATES))
    unit = row_id(load_default=None, allow_none=True,
                  metadata={"description": "The proposing unit."})


class CampaignArgs(YearArgs):
    status = fields.String(load_default=None, allow_none=True,
                           validate=validate.OneOf(CAMPAIGN_STATES))
    unit = row_id(load_default=None, allow_none=True,
                  metadata={"description": "Issued by this unit or open to it."})


class DecisionArgs(YearArgs):
    status = fields.String(load_default=None, allow_none=True,
                           validate=validate.OneOf(["draft", "issued", "revoked"]))


class RankingArgs(Schema):
    cluster = row_id(load_default=None, allow_none=True,
                     metadata={"description": "Only this cluster (a cluster is ranked on its "
                                              "own: the same rows as in the whole ranking)."})


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
    address = fields.String()
    parent_id = fields.Integer(allow_none=True)
    active = fields.Boolean()
    version = fields.Integer()


class UnitIn(Schema):
    code = nonblank(40, required=True)
    name = nonblank(255, required=True)
    parent_id = row_id(required=True, allow_none=True)
    kind = fields.String(load_default="other", validate=validate.OneOf(UNIT_KINDS))
    address = text(255, load_default="")


class UnitPatch(Schema):
    """Only the fields sent change; `version` is the one read (a later save → 409)."""

    version = fields.Integer(required=True)
    name = nonblank(255)
    kind = fields.String(validate=validate.OneOf(UNIT_KINDS))
    address = text(255)


class PersonSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    full_name = fields.String()
    gender = fields.String(allow_none=True)
    birth_date = fields.Date(allow_none=True)
    birth_year = fields.Integer(allow_none=True, metadata={
        "description": "The birth date's year, or the year alone when only it is known."})
    position = fields.String()
    email = fields.String()
    unit_id = fields.Integer()
    active = fields.Boolean()
    version = fields.Integer()


class PersonIn(Schema):
    code = nonblank(40, required=True)
    full_name = nonblank(150, required=True)
    unit_id = row_id(required=True)
    gender = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(GENDERS))
    birth_date = a_date(load_default=None, allow_none=True)
    birth_year = fields.Integer(load_default=None, allow_none=True,
                                validate=validate.Range(1900, 2100))
    position = text(150, load_default="")
    email = fields.Email(load_default="", validate=validate.Length(max=254))


class PersonPatch(Schema):
    """Only the fields sent change; `unit_id` moves the person to another unit you manage."""

    version = fields.Integer(required=True)
    full_name = nonblank(150)
    unit_id = row_id()
    gender = fields.String(allow_none=True, validate=validate.OneOf(GENDERS))
    birth_date = a_date(allow_none=True)
    birth_year = fields.Integer(allow_none=True, validate=validate.Range(1900, 2100))
    position = text(150)
    email = fields.Email(validate=validate.Length(max=254))


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
    rule_set = fields.String(attribute="rule_set.code", allow_none=True,
                             metadata={"description": "The dated rule set the rule belongs "
                                                      "to; none means every year."})


class QuotaSchema(Schema):
    base = fields.String(metadata={"description": "awards: a share of the unit's awards of "
                                                  "`of_code` (granted and nominated); "
                                                  "headcount: a share of its people; absolute: "
                                                  "a maximum number."})
    of_code = fields.String()
    max_pct = decimal_string(allow_none=True)
    max_count = fields.Integer(allow_none=True)
    rounding = fields.String(metadata={"description": "floor (down) or half_up."})
    unit_kind = fields.String(metadata={"description": "The level counted over (a unit kind); "
                                                       "empty: the proposing unit."})
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    legal_reference = fields.String()
    note = fields.String()
    is_example = fields.Boolean(metadata={"description": "An editable example, not the law "
                                                         "in force."})


class AwardTypeSchema(Schema):
    code = fields.String()
    name = fields.String()
    category = fields.String()
    subject = fields.String()
    level = fields.String()
    issuing_authority = fields.String()
    decided_by = fields.String(metadata={
        "enum": list(DecidingLevel.values()),
        "description": "The level that decides the award; a unit below it proposes the award "
                       "to its superior and records the superior's decision."})
    cash_multiple = decimal_string(allow_none=True)
    cash_multiple_collective = decimal_string(allow_none=True)
    legal_reference = fields.String()
    rules = fields.List(fields.Nested(RuleSchema))
    quotas = fields.List(fields.Nested(QuotaSchema),
                         metadata={"description": "Maximums on this award per unit and year "
                                                  "(không quá)."})
    commendation_kind = fields.String(metadata={
        "enum": list(CommendationKind.values()),
        "description": "The kind of commendation a decision records for it (Law Art. 8)."})
    issuing_authority = fields.String()
    note = fields.String()
    vote_threshold_pct = decimal_string()
    vote_base = fields.String(metadata={"enum": ["all", "present"]})
    publication_days = fields.Integer()
    written_votes_allowed = fields.Boolean()
    active = fields.Boolean()
    version = fields.Integer()


# A cash multiple of the base salary: "1.5", at most two decimals (the service checks ≤ 1000).
MULTIPLE = r"^[0-9]{1,4}(\.[0-9]{1,2})?$"


class AwardTypeIn(Schema):
    """A new award type (administrators). It starts with no rules: its verdict is "for the
    council" until rules are added on the web."""

    code = nonblank(20, required=True, metadata={
        "description": "2 to 20 capital letters, digits or underscores, starting with a "
                       "letter (BK_CDN); lower case is raised. Cannot change later."})
    name = nonblank(255, required=True)
    category = fields.String(load_default="title",
                             validate=validate.OneOf(["title", "commendation"]))
    subject = fields.String(load_default="individual",
                            validate=validate.OneOf(["individual", "collective", "both"]))
    commendation_kind = fields.String(load_default="regular",
                                      validate=validate.OneOf(CommendationKind.values()))
    level = text(60, load_default="")
    issuing_authority = text(255, load_default="")
    cash_multiple = decimal_in(MULTIPLE)
    cash_multiple_collective = decimal_in(MULTIPLE)
    legal_reference = text(255, load_default="")
    note = text(5000, load_default="")
    vote_threshold_pct = fields.String(load_default="50", validate=validate.Regexp(PERCENT),
                                       metadata={"format": "decimal"})
    vote_base = fields.String(load_default="present",
                              validate=validate.OneOf(["all", "present"]))
    publication_days = fields.Integer(load_default=0, validate=validate.Range(min=0, max=60))
    written_votes_allowed = fields.Boolean(load_default=False, metadata={
        "description": "Whether absent council members may vote by written opinion."})
    active = fields.Boolean(load_default=True)


class AwardActiveIn(Schema):
    active = fields.Boolean(required=True)
    version = fields.Integer(load_default=None, allow_none=True, metadata={
        "description": "The version read; when given, a stale one is 409."})


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
    kind = fields.String()
    source = fields.String(metadata={"description": "decision (issued here), superior (a "
                                                    "superior's decision recorded here) or "
                                                    "import (history)."})


class UpwardSchema(Schema):
    """Trình cấp trên: the memo sent to the level that decides the award, and its answer."""

    submitted_on = fields.Date()
    document_number = fields.String()
    outcome = fields.String(metadata={"enum": list(UpwardOutcome.values())})
    decision_number = fields.String()
    decided_on = fields.Date(allow_none=True)
    deciding_body = fields.String()
    cash_amount = fields.Integer(allow_none=True)
    reason = fields.String()
    award_record_id = fields.Integer(allow_none=True)


class NominationSchema(Schema):
    id = fields.Integer()
    award = fields.String(attribute="award_type.code")
    year = fields.Integer()
    campaign_id = fields.Integer(allow_none=True)
    person_id = fields.Integer(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    proposing_unit_id = fields.Integer()
    level_unit_id = fields.Integer()
    status = fields.String(attribute="state")
    eligible = fields.Boolean(allow_none=True)
    flagged = fields.Boolean()
    summary = fields.String()
    achievements = fields.String()
    initiatives_text = fields.String()
    explanation = fields.String()
    kind = fields.String(metadata={"enum": list(CommendationKind.values()),
                                   "description": "Kind of commendation (Law Art. 8)."})
    superior = fields.Nested(UpwardSchema, attribute="upward", allow_none=True)
    version = fields.Integer()


class NominationIn(Schema):
    """A draft nomination by an officer of `proposing_unit_id`, for one of its people
    (`person_id`) or units (`unit_id`): exactly one of the two."""

    award = fields.String(required=True, validate=validate.Length(min=1, max=20))
    year = fields.Integer(required=True, validate=validate.Range(min=1950, max=2100))
    proposing_unit_id = row_id(required=True)
    person_id = row_id(load_default=None, allow_none=True)
    unit_id = row_id(load_default=None, allow_none=True)
    campaign_id = row_id(load_default=None, allow_none=True)
    summary = text(50000, load_default="")
    achievements = text(50000, load_default="")
    initiatives_text = text(50000, load_default="")
    kind = fields.String(load_default=None, allow_none=True,
                         validate=validate.OneOf(CommendationKind.values()),
                         metadata={"description": "Kind of commendation (Law Art. 8); by "
                                                  "default thematic for a thematic campaign, "
                                                  "else regular."})


class SuperiorSubmissionIn(Schema):
    """The memo (tờ trình) that sends the dossier to the level that decides its award."""

    version = fields.Integer(required=True)
    submitted_on = a_date(required=True)
    document_number = nonblank(60, required=True)


class SuperiorDecisionIn(Schema):
    """The superior's decision granting the award; `cash_amount` (VND) only if it paid one."""

    version = fields.Integer(required=True)
    decision_number = nonblank(60, required=True)
    decided_on = a_date(required=True)
    deciding_body = nonblank(255, required=True,
                             metadata={"description": "e.g. Thủ tướng Chính phủ"})
    cash_amount = fields.Integer(load_default=None, allow_none=True,
                                 validate=validate.Range(min=0, max=2_000_000_000))


class SuperiorRefusalIn(Schema):
    version = fields.Integer(required=True)
    decided_on = a_date(required=True)
    reason = nonblank(5000, required=True)


class DecisionIn(Schema):
    """A draft decision of `unit_id` (organisers) granting the nominations listed."""

    unit_id = row_id(required=True)
    number = nonblank(60, required=True)
    signed_on = a_date(required=True)
    signer = nonblank(255, required=True)
    nominations = fields.List(row_id(), required=True,
                              validate=validate.Length(min=1, max=1000))


class NominationSubmitIn(Schema):
    version = fields.Integer(required=True)
    explanation = text(20000, load_default="",
                       metadata={"description": "Required when the subject is not eligible."})


class VersionIn(Schema):
    version = fields.Integer(required=True)


class PledgeItemSchema(Schema):
    movement_number = fields.Integer(attribute="movement.number")
    commitment = fields.String()
    indicator = fields.String()
    unit_of_measure = fields.String()
    target_value = decimal_string(allow_none=True)


class TitleSchema(Schema):
    award_code = fields.String()
    person_id = fields.Integer(allow_none=True)


class PledgeSchema(Schema):
    id = fields.Integer()
    campaign_id = fields.Integer()
    unit_id = fields.Integer()
    state = fields.String()
    submitted_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    items = fields.List(fields.Nested(PledgeItemSchema))
    titles = fields.List(fields.Nested(TitleSchema))


class PledgeItemIn(Schema):
    movement_number = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))
    commitment = text(20000, load_default="")
    indicator = text(255, load_default="")
    unit_of_measure = text(60, load_default="")
    target_value = decimal_in(AMOUNT)


class PledgeIn(Schema):
    """The pledge's draft: one entry per movement sent (others stay as they are). `version`
    is the one read, or null for a unit's first pledge."""

    version = fields.Integer(load_default=None, allow_none=True)
    items = fields.List(fields.Nested(PledgeItemIn), required=True,
                        validate=validate.Length(max=1000))


class ReportItemSchema(Schema):
    movement_number = fields.Integer(attribute="pledge_item.movement.number")
    achieved_value = decimal_string(allow_none=True)
    progress_pct = decimal_string(allow_none=True)
    narrative = fields.String()


class ReportSchema(Schema):
    id = fields.Integer()
    period_id = fields.Integer()
    period = fields.String(attribute="period.label")
    state = fields.String()
    submitted_at = fields.DateTime(allow_none=True)
    late_days = fields.Integer(allow_none=True, metadata={
        "description": "Days past the period's deadline at the first submission (0: on "
                       "time; null: not submitted). A late report is accepted and marked."})
    version = fields.Integer()
    integration = fields.String()
    task_progress = fields.String()
    target_attainment = fields.String()
    difficulties = fields.String()
    items = fields.List(fields.Nested(ReportItemSchema))


class ReportItemIn(Schema):
    movement_number = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))
    achieved_value = decimal_in(AMOUNT)
    progress_pct = decimal_in(PERCENT)
    narrative = text(20000, load_default="")


class ReportIn(Schema):
    """A period's report draft: the four evaluation texts and results per pledged movement.
    `version` is the one read, or null for the period's first report."""

    version = fields.Integer(load_default=None, allow_none=True)
    integration = text(50000, load_default="")
    task_progress = text(50000, load_default="")
    target_attainment = text(50000, load_default="")
    difficulties = text(50000, load_default="")
    items = fields.List(fields.Nested(ReportItemIn), load_default=list,
                        validate=validate.Length(max=1000))


class RankingRowSchema(Schema):
    unit_id = fields.Integer(attribute="unit")
    rank = fields.Integer(allow_none=True)
    final = decimal_string(allow_none=True)
    tied = fields.Boolean()
    leader = fields.Boolean()


class RankingClusterSchema(Schema):
    cluster_id = fields.Integer(attribute="cluster")
    rows = fields.List(fields.Nested(RankingRowSchema))


class RankingSchema(Schema):
    """A campaign's ranking per cluster. Units' officers see it only once it is frozen and
    published to units; organisers and council scorers see it live."""

    campaign_id = fields.Integer()
    frozen = fields.Boolean()
    clusters = fields.List(fields.Nested(RankingClusterSchema))


class DecisionItemSchema(Schema):
    nomination_id = fields.Integer()
    kind = fields.String(attribute="nomination.kind")
    award_record_id = fields.Integer(allow_none=True)
    cash_amount = fields.Integer(allow_none=True)


class DecisionSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    number = fields.String()
    signed_on = fields.Date()
    signer = fields.String()
    issuing_unit_id = fields.Integer()
    status = fields.String(attribute="state")
    total_cash = fields.Integer()
    items = fields.List(fields.Nested(DecisionItemSchema))


def page_of(item_schema):
    """The envelope of a list: its items, the count (exact up to `COUNT_CAP`, else null), the
    page's number and size, and the links (and bare cursors) of the next / previous pages
    (null at either end); the same links are in the `Link` header (RFC 8288)."""
    link = {"allow_none": True, "dump_default": None}
    return type(f"{item_schema.__name__.removesuffix('Schema')}Page", (Schema,), {
        "items": fields.List(fields.Nested(item_schema)),
        "total": fields.Integer(allow_none=True, metadata={
            "description": f"Number of items when at most {COUNT_CAP:,}; null when there are "
                           "more (the API counts no further)."}),
        "page": fields.Integer(), "per_page": fields.Integer(),
        "next": fields.String(**link, metadata={"description": "Address of the next page."}),
        "previous": fields.String(**link, metadata={"description":
                                                    "Address of the previous page."}),
        "next_cursor": fields.String(**link), "previous_cursor": fields.String(**link)})


class AwardRef(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    year = fields.Integer(required=True, validate=validate.Range(min=1900, max=2200))
    kind = fields.String(load_default="regular",
                         validate=validate.OneOf(CommendationKind.values()),
                         metadata={"description": "Kind of commendation (Law Art. 8); only "
                                                  "regular awards count for later ones."})


class InitiativeIn(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=1900, max=2200))
    scope = fields.String(required=True, validate=validate.OneOf(InitiativeScope.values()))
    research = fields.Boolean(load_default=False)
    used_for = fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(min=1, max=20),
                             metadata={"description": "Code of the award this initiative "
                                                      "already backed (it backs one only)."})
    used_for_year = fields.Integer(load_default=None, allow_none=True,
                                   validate=validate.Range(min=1900, max=2200))


class DisciplineIn(Schema):
    level = fields.String(required=True, validate=validate.OneOf(DisciplineLevel.values()))
    start = a_date(required=True, data_key="from")
    end = a_date(required=True, data_key="to")


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
                             values=fields.String(validate=validate.OneOf(AppraisalLevel.values())),
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
    commendation = fields.String(load_default="regular",
                                 validate=validate.OneOf(CommendationKind.values()),
                                 metadata={"description": "Kind of commendation asked for "
                                                          "(Law Art. 8): the catalogue's rules "
                                                          "judge a regular one; any other is "
                                                          "for the council, discipline "
                                                          "checked."})


class RuleResultOut(Schema):
    code = fields.String()
    passed = fields.Boolean(allow_none=True)
    message = fields.String()
    legal_reference = fields.String()


class RuleSetOut(Schema):
    code = fields.String()
    name = fields.String()
    legal_source = fields.String()
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)


class EligibilityOut(Schema):
    eligible = fields.Boolean(allow_none=True)
    rule_set = fields.Nested(RuleSetOut, allow_none=True,
                             metadata={"description": "The dated rule set in force for the "
                                                      "year, which judged the subject."})
    rules = fields.List(fields.Nested(RuleResultOut))


class BaseSalarySchema(Schema):
    """Mức lương cơ sở: the amount in VND, the day it takes effect and its legal source."""

    id = fields.Integer()
    effective_from = fields.Date()
    amount = fields.Integer()
    legal_reference = fields.String()


class BaseSalaryIn(Schema):
    effective_from = fields.Date(required=True)
    amount = fields.Integer(required=True, validate=validate.Range(min=1, max=1_000_000_000))
    legal_reference = nonblank(255, required=True)


class CalendarArgs(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=1995, max=2100))


class CalendarDaySchema(Schema):
    """A day of the working calendar that is not an ordinary one: a statutory holiday (no
    `override_id`), or an override with its source."""

    day = fields.Date()
    name = fields.String()
    kind = fields.String(metadata={"enum": ["holiday", "day_off", "working_day"]})
    working = fields.Boolean()
    source = fields.String()
    override_id = fields.Integer(allow_none=True)


class CalendarDayIn(Schema):
    day = fields.Date(required=True)
    kind = fields.String(required=True,
                         validate=validate.OneOf(["holiday", "day_off", "working_day"]))
    name = nonblank(150, required=True)
    source = nonblank(255, required=True)


class CalendarOverrideSchema(Schema):
    id = fields.Integer()
    day = fields.Date()
    name = fields.String()
    kind = fields.String()
    source = fields.String()


# --- imports ------------------------------------------------------------------------------------

class ImportFileIn(Schema):
    file = Upload(required=True, metadata={"description": "The .xlsx or .csv file."})


class ImportIn(Schema):
    """The import's choices (all optional: by default the sheet and header row are found)."""

    sheet = text(100, load_default=None, metadata={"description": "The sheet to read."})
    header_row = fields.Integer(load_default=None, validate=validate.Range(1, 1_048_576),
                                metadata={"description": "The header's row number."})
    columns = text(5000, load_default=None, metadata={
        "description": 'The column mapping as JSON, {"column index from 0": "column key or '
                       'empty to ignore"}, e.g. {"2": "full_name", "0": ""}; it replaces the '
                       "columns found."})
    dry_run = fields.Boolean(load_default=False, metadata={
        "description": "Check and report only: nothing is written (the preview)."})


class ImportCandidateSchema(Schema):
    sheet = fields.String()
    row = fields.Integer()
    matched = fields.Integer()
    missing = fields.List(fields.String())


class ImportColumnSchema(Schema):
    index = fields.Integer()
    header = fields.String()
    key = fields.String(allow_none=True)
    field = fields.String(allow_none=True)


class ImportConversionSchema(Schema):
    row = fields.Integer()
    column = fields.String()
    before = fields.String()
    after = fields.String()
    kind = fields.String(metadata={"description": "TCVN3, VNI, full-width or prefix."})


class ImportRowErrorSchema(Schema):
    row = fields.Integer()
    message = fields.String()


class ImportSkippedSchema(Schema):
    row = fields.Integer()
    reason = fields.String(metadata={"description": "numbering or footer"})


class ImportReportSchema(Schema):
    """What the import read and found, or did: the web's preview as data."""

    kind = fields.String()
    filename = fields.String()
    state = fields.String(metadata={"description": "preview (dry run, no error), imported, "
                                                   "queued (a job: see `job`)"})
    error = fields.String(allow_none=True)
    job = fields.String(allow_none=True)
    sheet = fields.String()
    sheets = fields.List(fields.String())
    header_row = fields.Integer()
    encoding = fields.String(allow_none=True)
    data_rows = fields.Integer(metadata={"description": "The data rows read."})
    declared_rows = fields.Integer(allow_none=True, metadata={
        "description": "The rows an .xlsx declared it holds (may be fewer: all are read)."})
    last_row = fields.Integer()
    candidates = fields.List(fields.Nested(ImportCandidateSchema))
    columns = fields.List(fields.Nested(ImportColumnSchema))
    skipped = fields.List(fields.Nested(ImportSkippedSchema))
    conversions = fields.List(fields.Nested(ImportConversionSchema))
    rows = fields.List(fields.Dict(), metadata={
        "description": "The first rows as they will be stored, by column key."})
    errors = fields.List(fields.Nested(ImportRowErrorSchema))
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
