"""Catalogue administration: award types, their rules and quotas (administrators only)."""
from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from emulation.awards.catalogue.enums import (
    AwardCategory,
    DecidingLevel,
    QuotaBase,
    Rounding,
    VoteBase,
)
from emulation.awards.catalogue.models import (
    SUBJECTS,
    AwardQuota,
    AwardRule,
    AwardType,
    RuleSet,
)
from emulation.awards.eligibility import engine
from emulation.awards.records.enums import CommendationKind
from emulation.core import audit
from emulation.core.errors import (
    Conflict,
    InvalidState,
    NotFound,
    PermissionDenied,
    ServiceError,
    check_version,
)
from emulation.core.integrity import conflict_on_duplicate
from emulation.core.numbers import percent_text
from emulation.core.text import clean, clean_block
from emulation.extensions import db

QUOTA_FIELDS = ("base", "of_code", "max_pct", "max_count", "rounding", "unit_kind", "valid_from",
                "valid_to", "legal_reference", "note", "is_example")
AWARD_FIELDS = ("name", "category", "subject", "commendation_kind", "level",
                "issuing_authority", "decided_by", "cash_multiple", "cash_multiple_collective",
                "legal_reference", "note", "vote_threshold_pct", "vote_base",
                "written_votes_allowed", "publication_days", "active")
# What a new award type takes when a field is not given.
AWARD_DEFAULTS = {"category": "title", "subject": "individual", "commendation_kind": "regular",
                  "level": "", "issuing_authority": "", "decided_by": "unit", "cash_multiple": None,
                  "cash_multiple_collective": None, "legal_reference": "", "note": "",
                  "vote_threshold_pct": Decimal(50), "vote_base": "present",
                  "written_votes_allowed": False, "publication_days": 0,
                  "active": True}
# A stable code (imports, exports, the API): a capital letter, then capitals, digits or "_".
CODE_PATTERN = re.compile(r"[A-Z][A-Z0-9_]{1,19}", re.ASCII)
# field → (longest text, label)
TEXT_LIMITS = {"name": (255, _l("Name")), "level": (60, _l("Level")),
               "issuing_authority": (255, _l("Issuing authority")),
               "legal_reference": (255, _l("Legal reference"))}
MAX_MULTIPLE, MAX_PUBLICATION_DAYS = Decimal(1000), 60


# --- catalogue -----------------------------------------------------------------------------------

def award_by_code(code: str) -> AwardType:
    award = db.session.scalar(select(AwardType).where(AwardType.code == clean(code)))
    if award is None:
        raise NotFound(_("No award type has the code %(code)s.", code=clean(code)))
    return award


def award_types() -> list[AwardType]:
    """The whole catalogue: titles first, then commendations, each in catalogue order."""
    return list(db.session.scalars(select(AwardType).order_by(AwardType.category.desc(),
                                                              AwardType.id)))


def awards_for(subject: str) -> list[AwardType]:
    """Active award types that may be given to `subject` ('individual' or 'collective')."""
    return list(db.session.scalars(select(AwardType).where(
        AwardType.active.is_(True), AwardType.subject.in_((subject, "both")))
        .order_by(AwardType.id)))


def rule_of(award: AwardType, rule_id: int) -> AwardRule:
    """One rule of this award; NotFound if the id is another award's or none."""
    rule = db.session.get(AwardRule, rule_id)
    if rule is None or rule.award_type_id != award.id:
        raise NotFound(_("No such rule."))
    return rule


def names() -> dict[str, str]:
    return dict(db.session.execute(select(AwardType.code, AwardType.name)).all())


def rule_sentence(rule, names: dict[str, str] | None = None, locale: str = "vi") -> str:
    """A rule in words, the sentence its verdicts start with (engine.describe); a rule whose
    parameters no longer read shows its kind's label."""
    from emulation.awards.catalogue.enums import RuleKind

    try:
        vi, en = engine.describe(engine.Rule(rule.kind, json.loads(rule.params or "{}")),
                                 names if names is not None else _cached_names())
    except (KeyError, TypeError, ValueError, AttributeError):
        return str(RuleKind.labels().get(rule.kind, rule.kind))
    return en if locale == "en" else vi


def _cached_names() -> dict[str, str]:
    from flask import g, has_app_context

    if not has_app_context():
        return names()
    cached = g.get("_award_names")
    if cached is None:
        cached = g._award_names = names()
    return cached


def name_of(code: str | None) -> str:
    """The award type's name for a code (the code itself if the catalogue has no such type):
    what pages, messages and exports show. The names are read once per request or job."""
    if not code:
        return ""
    from flask import has_app_context

    if not has_app_context():
        return code
    return _cached_names().get(code, code)


def create_award(actor, *, code: str, fields: dict) -> AwardType:
    """Add an award type (administrators): `code` is its stable code (a capital letter, then
    capitals, digits or underscores, 2–20 in all; given in lower case it is raised), `fields`
    any of AWARD_FIELDS (the others take AWARD_DEFAULTS). It starts with no rules — its
    verdict is "for the council" until rules are added. A code already used is a Conflict
    (409), also when two administrators add it at the same instant (the unique constraint);
    invalid fields are a ServiceError (400). Audited as `award.create`."""
    _require_admin(actor)
    code = clean(code).upper()
    if not CODE_PATTERN.fullmatch(code):
        raise ServiceError(_("The award code is 2 to 20 capital letters, digits or underscores, "
                             "starting with a letter (for example BK_CDN)."))
    values = _checked({**AWARD_DEFAULTS, **fields})
    used = _("The award code %(code)s is already used.", code=code)
    if code_used(code):
        raise Conflict(used)
    award = AwardType(code=code, **values)
    db.session.add(award)
    with conflict_on_duplicate(used):  # the same code added at the same instant
        db.session.flush()
    audit.record(db.session, actor=actor, action="award.create", obj=award,
                 summary=f"award type {code} added", after={"code": code, **values},
                 params={"award": code})
    db.session.commit()
    return award


def code_used(code: str) -> bool:
    """Whether an award type has this code already."""
    return db.session.scalar(select(AwardType.id).where(AwardType.code == code)) is not None


def update_award(actor, award: AwardType, version, fields: dict) -> None:
    """Change an award type's fields (administrators; any of AWARD_FIELDS, checked as
    `create_award` checks them). Audited as `award.update` with what changed."""
    _require_admin(actor)
    check_version(award, version)
    values = _checked(fields)
    before = {k: getattr(award, k) for k in AWARD_FIELDS}
    for key, value in values.items():
        setattr(award, key, value)
    old, new = audit.diff(before, {k: getattr(award, k) for k in AWARD_FIELDS})
    if new:
        audit.record(db.session, actor=actor, action="award.update", obj=award,
                     summary=f"award type {award.code} changed", before=old, after=new,
                     params={"award": award.code})
    db.session.commit()


def set_award_active(actor, award: AwardType, *, version, active: bool) -> AwardType:
    """Take an award type out of use (no new nominations, not listed by the API) or back in
    (administrators). Its rules, nominations and award records stay. Audited as
    `award.deactivate` / `award.activate`; nothing is written when it is already so."""
    _require_admin(actor)
    check_version(award, version)
    if award.active == active:
        return award
    award.active = active
    audit.record(db.session, actor=actor, action="award.activate" if active else
                 "award.deactivate", obj=award,
                 summary=f"award type {award.code} {'activated' if active else 'deactivated'}",
                 before={"active": not active}, after={"active": active},
                 params={"award": award.code})
    db.session.commit()
    return award


def delete_award(actor, award: AwardType, *, version) -> None:
    """Delete an award type added by mistake (administrators). One that has nominations,
    award records, title registrations, or that another award's rule or quota names, is
    refused (409): deactivate it instead. Audited as `award.delete`."""
    _require_admin(actor)
    check_version(award, version)
    if award_in_use(award):
        raise InvalidState(_("%(award)s has nominations or award records, or other awards "
                             "refer to it: it cannot be deleted. Take it out of use instead.",
                             award=award.name))
    audit.record(db.session, actor=actor, action="award.delete", obj=award,
                 summary=f"award type {award.code} deleted", params={"name": award.name},
                 before={"code": award.code, **{k: getattr(award, k) for k in AWARD_FIELDS},
                         "rules": [_rule_dict(r) for r in award.rules]})
    db.session.delete(award)
    db.session.commit()


def award_in_use(award: AwardType) -> bool:
    """Whether anything refers to this award type: nominations, award records (granted or
    imported), title registrations, another award's quota, or another award's rule that
    names its code."""
    from emulation.awards.nominations.models import Nomination
    from emulation.awards.records.models import AwardRecord
    from emulation.pledges.models import TitleRegistration

    quoted = f'%"{award.code}"%'
    checks = (select(Nomination.id).where(Nomination.award_type_id == award.id),
              select(AwardRecord.id).where(AwardRecord.award_code == award.code),
              select(TitleRegistration.id).where(TitleRegistration.award_code == award.code),
              select(AwardQuota.id).where(AwardQuota.of_code == award.code,
                                          AwardQuota.award_type_id != award.id),
              select(AwardRule.id).where(AwardRule.award_type_id != award.id,
                                         AwardRule.params.like(quoted)))
    return any(db.session.scalar(c.limit(1)) is not None for c in checks)


def catalogue_rows(day: date) -> list[tuple[AwardType, RuleSet | None, int]]:
    """The catalogue page: each award type (as `award_types` orders them) with the rule set in
    force on `day` among those holding its rules (None when its rules belong to no set) and
    the number of its rules that apply on that day (that set's and those of no set)."""
    awards = db.session.scalars(
        select(AwardType).order_by(AwardType.category.desc(), AwardType.id)
        .options(selectinload(AwardType.rules).joinedload(AwardRule.rule_set))).all()
    rows = []
    for award in awards:
        rule_set, rules = rules_on(award, day)
        rows.append((award, rule_set, len(rules)))
    return rows


def rules_on(award: AwardType, day: date) -> tuple[RuleSet | None, list[AwardRule]]:
    """The rule set of this award in force on `day` and the rules that apply then: that set's
    and those of no set (they apply to any day)."""
    sets = list({r.rule_set.id: r.rule_set for r in award.rules if r.rule_set}.values())
    chosen = engine.rule_set_on(sets, day)
    return chosen, [r for r in award.rules if r.rule_set is None or r.rule_set is chosen]


def _checked(fields: dict) -> dict:
    """The award fields among `fields`, cleaned and checked: a ServiceError (400) naming the
    first one that is not valid."""
    values = {}
    for key in AWARD_FIELDS:
        if key not in fields:
            continue
        value = fields[key]
        if key in TEXT_LIMITS:
            value = clean(value)
            limit, label = TEXT_LIMITS[key]
            if len(value) > limit:
                raise ServiceError(_("%(field)s is longer than %(n)d characters.", field=label,
                                     n=limit))
        elif key == "note":
            value = clean_block(value, 5000)
        elif key in ("cash_multiple", "cash_multiple_collective"):
            value = _multiple(value)
        elif key == "vote_threshold_pct":
            value = _number(value, _("The vote threshold must be between 0 and 100%."))
            if not 0 < value <= 100:
                raise ServiceError(_("The vote threshold must be between 0 and 100%."))
        elif key == "publication_days":
            value = 0 if value in (None, "") else value
            if isinstance(value, bool) or not isinstance(value, int) \
                    or not 0 <= value <= MAX_PUBLICATION_DAYS:
                raise ServiceError(_("Publication lasts from 0 to %(n)d working days.",
                                     n=MAX_PUBLICATION_DAYS))
        elif key == "active":
            value = bool(value)
        values[key] = value
    if not values.get("name", "x"):
        raise ServiceError(_("An award type needs a name."))
    choices = {"category": (AwardCategory.values(), _("Unknown category.")),
               "subject": (SUBJECTS, _("Unknown subject.")),
               "commendation_kind": (CommendationKind.values(),
                                     _("Unknown kind of commendation.")),
               "vote_base": (VoteBase.values(), _("Unknown vote base.")),
               "decided_by": (DecidingLevel.values(), _("Unknown deciding level."))}
    for key, (allowed, message) in choices.items():
        if key in values and values[key] not in allowed:
            raise ServiceError(message)
    return values


def _number(value, message) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ServiceError(message) from None
    if not number.is_finite():
        raise ServiceError(message)
    return number


def _multiple(value) -> Decimal | None:
    """A cash multiple of the base salary: empty, or 0 to 1,000 with at most two decimals."""
    if value is None or value == "":
        return None
    message = _("A cash multiple is a number from 0 to %(n)s with at most two decimals.",
                n=MAX_MULTIPLE)
    number = _number(value, message)
    if not 0 <= number <= MAX_MULTIPLE or number != number.quantize(Decimal("0.01")):
        raise ServiceError(message)
    return number


def rule_sets() -> list[RuleSet]:
    """Every rule set (bộ tiêu chuẩn), the oldest first."""
    return list(db.session.scalars(select(RuleSet).order_by(RuleSet.valid_from, RuleSet.id)))


def save_rule(actor, award: AwardType, rule: AwardRule | None, *, kind: str, params_text: str,
              subject: str, legal_reference: str, note: str,
              rule_set_code: str | None = None) -> AwardRule:
    """Add or change a rule; its parameters are checked by the engine before anything is
    written. A new rule joins `rule_set_code`, by default the award's newest rule set (so that
    old verdicts keep their rules); a changed rule keeps its set unless another is named."""
    _require_admin(actor)
    rule_set = _rule_set_by_code(rule_set_code) if rule_set_code else None
    try:
        params = json.loads(params_text or "{}")
    except (ValueError, RecursionError) as err:  # JSONDecodeError, a 5,000-digit number…
        raise ServiceError(_("The parameters are not valid JSON: %(error)s",
                             error=str(err))) from None
    if not isinstance(params, dict):
        raise ServiceError(_("The parameters must be a JSON object."))
    problems = engine.validate(kind, params)
    if problems:
        raise ServiceError(_("The rule cannot be evaluated: %(problems)s",
                             problems="; ".join(problems)))
    if subject not in SUBJECTS:
        raise ServiceError(_("Unknown subject."))
    before = _rule_dict(rule) if rule else None
    if rule is None:
        rule_set = rule_set or _newest_set(award)
        rule = AwardRule(rule_set=rule_set, position=1 + sum(
            1 for r in award.rules if r.rule_set is rule_set))
        award.rules.append(rule)
    elif rule_set is not None:
        rule.rule_set = rule_set
    rule.kind, rule.subject = kind, subject
    rule.params = json.dumps(params, ensure_ascii=False, sort_keys=True)
    rule.legal_reference, rule.note = clean(legal_reference)[:255], clean_block(note, 5000)
    db.session.flush()
    audit.record(db.session, actor=actor, action="award.rule_save", obj=award,
                 summary=f"rule {rule.position} of {award.code} saved", before=before,
                 params={"position": rule.position, "award": award.code},
                 after=_rule_dict(rule))
    db.session.commit()
    return rule


def delete_rule(actor, rule: AwardRule) -> None:
    _require_admin(actor)
    award = rule.award_type
    audit.record(db.session, actor=actor, action="award.rule_delete", obj=award,
                 summary=f"rule {rule.position} of {award.code} deleted", before=_rule_dict(rule),
                 params={"position": rule.position, "award": award.code})
    award.rules.remove(rule)
    same_set = [r for r in award.rules if r.rule_set_id == rule.rule_set_id]
    for position, r in enumerate(same_set, start=1):
        r.position = position
    db.session.commit()


def quota_of(award: AwardType, quota_id: int) -> AwardQuota:
    """One quota of this award; NotFound if the id is another award's or none."""
    quota = db.session.get(AwardQuota, quota_id)
    if quota is None or quota.award_type_id != award.id:
        raise NotFound(_("No such quota."))
    return quota


def save_quota(actor, award: AwardType, quota: AwardQuota | None = None, *, version=None,
               fields: dict) -> AwardQuota:
    """Add a quota to the award (`quota` None) or change one (`version` is the one the form
    was loaded with: a stale save is refused). `fields` holds QUOTA_FIELDS: `base` is
    'awards' (at most `max_pct` % of the unit's `of_code` awards, granted and nominated),
    'headcount' (at most `max_pct` % of its people) or 'absolute' (at most `max_count`);
    `rounding` 'floor' or 'half_up'; `unit_kind` the level counted over (a UnitKind, empty
    for the proposing unit); `valid_from` / `valid_to` dates or None; `legal_reference`,
    `note`, `is_example`. What does not belong to the base is cleared. Refused (ServiceError)
    when the data cannot be evaluated; audited as `award.quota_save`."""
    _require_admin(actor)
    if quota is not None:
        check_version(quota, version)
    values = _quota_values(award, fields)
    before = _quota_dict(quota) if quota is not None else None
    if quota is None:
        quota = AwardQuota()
        award.quotas.append(quota)
    for key, value in values.items():
        setattr(quota, key, value)
    db.session.flush()
    old, new = audit.diff(before or {}, _quota_dict(quota))
    audit.record(db.session, actor=actor, action="award.quota_save", obj=award,
                 summary=f"quota {quota.id} of {award.code} saved: {_quota_summary(quota)}",
                 params={"award": award.code},
                 before=old if before is not None else None, after=new)
    db.session.commit()
    return quota


def delete_quota(actor, quota: AwardQuota, version) -> None:
    """Remove a quota (a stale `version` is refused); audited as `award.quota_delete`."""
    _require_admin(actor)
    check_version(quota, version)
    award = quota.award_type
    audit.record(db.session, actor=actor, action="award.quota_delete", obj=award,
                 summary=f"quota {quota.id} of {award.code} deleted: {_quota_summary(quota)}",
                 params={"award": award.code},
                 before=_quota_dict(quota))
    award.quotas.remove(quota)
    db.session.commit()


def _quota_values(award: AwardType, fields: dict) -> dict:
    from emulation.org.enums import UnitKind

    base = fields.get("base") or "awards"
    of_code = clean(fields.get("of_code") or "").upper() if base == "awards" else ""
    max_pct = fields.get("max_pct") if base != "absolute" else None
    max_count = fields.get("max_count") if base == "absolute" else None
    rounding = fields.get("rounding") or "floor"
    if base not in QuotaBase.values():
        raise ServiceError(_("Unknown kind of quota."))
    if rounding not in Rounding.values():
        raise ServiceError(_("Unknown rounding."))
    unit_kind = fields.get("unit_kind") or ""
    if unit_kind and unit_kind not in UnitKind.values():
        raise ServiceError(_("Unknown kind of unit."))
    if base == "absolute" and (max_count is None or max_count < 0):
        raise ServiceError(_("An absolute quota needs a maximum number of at least 0."))
    if base != "absolute" and (max_pct is None or not 0 <= Decimal(max_pct) <= 100):
        raise ServiceError(_("A quota is a percentage between 0 and 100."))
    if base == "awards":
        if not of_code:
            raise ServiceError(_("Name the award the quota is a share of."))
        if of_code == award.code:
            raise ServiceError(_("A quota cannot be a share of its own award."))
        if db.session.scalar(select(AwardType.id).where(AwardType.code == of_code)) is None:
            raise ServiceError(_("No award type has the code %(code)s.", code=of_code))
    valid_from, valid_to = fields.get("valid_from"), fields.get("valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise ServiceError(_("The end of validity comes before its start."))
    problems = engine.validate_quota(engine.Quota(award.code, base, of_code, max_pct,
                                                  max_count, rounding))
    if problems:  # the checks above say each in the reader's language; this is a backstop
        raise ServiceError(_("The quota cannot be evaluated: %(problems)s",
                             problems="; ".join(problems)))
    return {"base": base, "of_code": of_code, "max_pct": max_pct, "max_count": max_count,
            "rounding": rounding, "unit_kind": unit_kind, "valid_from": valid_from,
            "valid_to": valid_to, "legal_reference": clean(fields.get("legal_reference"))[:255],
            "note": clean_block(fields.get("note"), 5000),
            "is_example": bool(fields.get("is_example"))}


def _quota_dict(quota: AwardQuota) -> dict:
    return {key: getattr(quota, key) for key in QUOTA_FIELDS}


def _quota_summary(quota: AwardQuota) -> str:
    if quota.base == "absolute":
        limit = f"≤ {quota.max_count}"
    elif quota.base == "headcount":
        limit = f"≤ {percent_text(quota.max_pct, 'en', 2)} of headcount"
    else:
        limit = f"≤ {percent_text(quota.max_pct, 'en', 2)} of {quota.of_code}"
    return limit + (f" per {quota.unit_kind}" if quota.unit_kind else "")


def _rule_set_by_code(code: str) -> RuleSet:
    rule_set = db.session.scalar(select(RuleSet).where(RuleSet.code == clean(code)))
    if rule_set is None:
        raise NotFound(_("No rule set has the code %(code)s.", code=clean(code)))
    return rule_set


def _newest_set(award: AwardType) -> RuleSet | None:
    """The set a new rule joins by default: the award's newest; for an award with no rules
    yet (one just added), the newest of all; None for an award whose rules belong to no set
    (they stay together)."""
    if award.rules:
        sets = [r.rule_set for r in award.rules if r.rule_set is not None]
    else:
        sets = rule_sets()
    if not sets:
        return None
    return max(sets, key=lambda s: (s.valid_from or date.min, s.id))


def _rule_dict(rule: AwardRule) -> dict:
    return {"kind": rule.kind, "subject": rule.subject, "params": rule.params,
            "rule_set": rule.rule_set.code if rule.rule_set else None,
            "legal_reference": rule.legal_reference, "note": rule.note}


def _require_admin(actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator may do this."))
