"""Catalogue administration: award types, their rules and quotas (administrators only)."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from emulation.awards.catalogue.enums import DecidingLevel
from emulation.awards.catalogue.models import (
    SUBJECTS,
    AwardQuota,
    AwardRule,
    AwardType,
    RuleSet,
)
from emulation.awards.eligibility import engine
from emulation.core import audit
from emulation.core.errors import NotFound, PermissionDenied, ServiceError, check_version
from emulation.core.text import clean, clean_block
from emulation.extensions import db

AWARD_FIELDS = ("name", "category", "subject", "level", "issuing_authority", "decided_by",
                "cash_multiple",
                "cash_multiple_collective", "legal_reference", "note", "vote_threshold_pct",
                "vote_base", "publication_days", "active")


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


def update_award(actor, award: AwardType, version, fields: dict) -> None:
    _require_admin(actor)
    check_version(award, version)
    if fields.get("subject") not in SUBJECTS:
        raise ServiceError(_("Unknown subject."))
    if fields.get("decided_by", award.decided_by) not in DecidingLevel.values():
        raise ServiceError(_("Unknown deciding level."))
    if not (0 < Decimal(fields["vote_threshold_pct"]) <= 100):
        raise ServiceError(_("The vote threshold must be between 0 and 100%."))
    before = {k: getattr(award, k) for k in AWARD_FIELDS}
    for key in AWARD_FIELDS:
        if key in fields:
            setattr(award, key, fields[key])
    old, new = audit.diff(before, {k: getattr(award, k) for k in AWARD_FIELDS})
    if new:
        audit.record(db.session, actor=actor, action="award.update", obj=award,
                     summary=f"award type {award.code} changed", before=old, after=new)
    db.session.commit()


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
                 after=_rule_dict(rule))
    db.session.commit()
    return rule


def delete_rule(actor, rule: AwardRule) -> None:
    _require_admin(actor)
    award = rule.award_type
    audit.record(db.session, actor=actor, action="award.rule_delete", obj=award,
                 summary=f"rule {rule.position} of {award.code} deleted", before=_rule_dict(rule))
    award.rules.remove(rule)
    same_set = [r for r in award.rules if r.rule_set_id == rule.rule_set_id]
    for position, r in enumerate(same_set, start=1):
        r.position = position
    db.session.commit()


def save_quota(actor, award: AwardType, of_code: str, max_pct: Decimal, legal_reference: str,
               note: str) -> None:
    _require_admin(actor)
    award_by_code(of_code)
    if not (0 <= max_pct <= 100):
        raise ServiceError(_("A quota is a percentage between 0 and 100."))
    quota = next((q for q in award.quotas if q.of_code == of_code), None)
    before = {"of": of_code, "max_pct": quota.max_pct} if quota else None
    if quota is None:
        quota = AwardQuota(of_code=of_code)
        award.quotas.append(quota)
    quota.max_pct, quota.legal_reference, quota.note = (max_pct, clean(legal_reference),
                                                           clean_block(note, 5000))
    audit.record(db.session, actor=actor, action="award.quota", obj=award,
                 summary=f"quota {award.code} ≤ {max_pct}% of {of_code}", before=before,
                 after={"of": of_code, "max_pct": max_pct})
    db.session.commit()


def _rule_set_by_code(code: str) -> RuleSet:
    rule_set = db.session.scalar(select(RuleSet).where(RuleSet.code == clean(code)))
    if rule_set is None:
        raise NotFound(_("No rule set has the code %(code)s.", code=clean(code)))
    return rule_set


def _newest_set(award: AwardType) -> RuleSet | None:
    sets = {r.rule_set.id: r.rule_set for r in award.rules if r.rule_set is not None}
    if not sets:
        return None
    return max(sets.values(), key=lambda s: (s.valid_from or date.min, s.id))


def _rule_dict(rule: AwardRule) -> dict:
    return {"kind": rule.kind, "subject": rule.subject, "params": rule.params,
            "rule_set": rule.rule_set.code if rule.rule_set else None,
            "legal_reference": rule.legal_reference, "note": rule.note}


def _require_admin(actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator may do this."))
